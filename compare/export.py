"""The comparison as CSV and JSON, the same rows as the page; unknown is empty or null, never 0."""

import csv
import io
from datetime import date

from compare.table import Table
from programs.models import Program


def filename(extension: str, *, today: date | None = None) -> str:
    return f"certcatalog-comparison-{(today or date.today()).isoformat()}.{extension}"


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Group", "Fact", *(f"{p.provider.short_name}: {p.name}" for p in table.programs)]
    )
    for row in table.rows:
        writer.writerow([row.group, row.label, *(cell.value or "" for cell in row.cells)])
    return out.getvalue()


def _number(value):
    return None if value is None else float(value)


def _program(program: Program) -> dict:
    return {
        "slug": program.slug,
        "name": program.name,
        "provider": program.provider.name,
        "total_cost": _number(program.total_cost),
        "currency": program.price_currency,
        "total_cost_is_approximate": (
            program.price_is_approximate if program.total_cost is not None else None
        ),
        "total_weeks": _number(program.total_weeks),
        "weekly_hours_min": _number(program.weekly_hours_min),
        "weekly_hours_max": _number(program.weekly_hours_max),
        "assessment_type": program.assessment_type,
        "cme_credit": program.cme_credit,
        "framework": program.framework,
        "exam_questions": program.exam_questions,
        "exam_minutes": program.exam_minutes,
        "exam_pass_mark": program.exam_pass_mark,
        "validity_months": program.validity_months,
        "last_verified": program.last_verified.isoformat(),
    }


def to_json(table: Table, *, url: str) -> dict:
    return {
        "url": url,
        "note": "Unknown values are null: the sources do not publish them. Confirm with providers.",
        "programs": [_program(p) for p in table.programs],
        "rows": [
            {
                "group": row.group,
                "key": row.key,
                "label": row.label,
                "differs": row.differs,
                "values": {
                    p.slug: {
                        "value": cell.value,
                        "best": cell.best,
                        "sources": [
                            {"document": c.document.title, "quote": c.quote} for c in cell.citations
                        ],
                    }
                    for p, cell in zip(table.programs, row.cells, strict=True)
                },
            }
            for row in table.rows
        ],
    }

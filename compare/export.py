"""The comparison as CSV and JSON, the same rows as the page; unknown is empty or null, never 0."""

import io
from datetime import date

from compare.table import Table
from programs.models import Program
from programs.spreadsheet import BOM, SafeWriter


def filename(extension: str, *, today: date | None = None) -> str:
    return f"certcatalog-comparison-{(today or date.today()).isoformat()}.{extension}"


LEGEND = (
    "A blank value means the sources do not publish it (shown as Not published on the site). "
    "Each program's second column says who says so and how sure: according to the provider, "
    "a hedge such as typically, a source's own view, about for approximate values, the "
    "year of an older source, what a derived figure is derived from, and for a role fit its "
    "caveats and the source's sentence."
)
"""How to read the CSV's columns: said on the comparison page beside its download link and in
the JSON, never inside the CSV, whose first row is its header (issue #24)."""


def to_csv(table: Table) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = SafeWriter(out)
    header = ["Group", "Fact"]
    for p in table.programs:
        name = f"{p.provider.short_name}: {p.name}"
        header += [name, f"{name} (who says, how sure)"]
    writer.writerow(header)
    for row in table.rows:
        values = []
        for cell in row.cells:
            # Who says so, what a derived figure comes from, and a role fit's caveats.
            role_row = row.key.startswith("role-")
            caveat = cell.note if role_row else None
            sentence = f"“{cell.quote}”" if role_row and cell.quote else None
            says = "; ".join(filter(None, [cell.qualifier, cell.derived_from, caveat, sentence]))
            values += [cell.value or "", says]
        writer.writerow([row.group, row.label, *values])
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
        "credit_type": program.credit_type,
        "credit_amount": _number(program.credit_amount),
        "credit_accreditor": program.credit_accreditor,
        "counts_toward_moc": program.counts_toward_moc,
        "moc_boards": program.moc_boards,
        "cost_items": [
            {
                "kind": item.kind,
                "amount": _number(item.amount),
                "currency": item.currency,
                "required": item.required,
                "note": item.note,
            }
            for item in program.listed_cost_items
        ],
        "framework": program.framework,
        "exam_questions": program.exam_questions,
        "exam_minutes": program.exam_minutes,
        "exam_pass_mark": program.exam_pass_mark,
        "validity_months": program.validity_months,
        "last_verified": program.last_verified.isoformat(),
    }


def _source(document, standing: str, quote: str, referent: str | None = None) -> dict:
    return {
        "document": document.title,
        "document_date": document.published_on.isoformat() if document.published_on else None,
        "document_date_note": document.date_label,
        "promotes": document.promotes,
        "standing": standing,
        "quote": quote,
        "referent": referent,
    }


def _sources(cell) -> list[dict]:
    """A cell's source sentences: its citations', and a role fit's own sentence."""
    found = [_source(c.document, c.standing, c.quote, c.referent) for c in cell.citations]
    if cell.quote and cell.quote_source is not None:
        found.append(_source(cell.quote_source, "assessment", cell.quote, cell.quote_referent))
    return found


def to_json(table: Table, *, url: str) -> dict:
    return {
        "url": url,
        "note": (
            "Unknown values are null: the sources do not publish them. 'stated_by' says who says "
            "so and how sure. Confirm with providers."
        ),
        "csv_legend": LEGEND,
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
                        "approximate": cell.approximate if cell.known else None,
                        "stated_by": cell.qualifier,
                        "derived_from": cell.derived_from,
                        "best": cell.best,
                        "source": _sources(cell),
                        "source_date": sorted(
                            {c.document.date_label for c in cell.citations}
                            | ({cell.quote_source.date_label} if cell.quote_source else set())
                        ),
                        "note": cell.note,
                    }
                    for p, cell in zip(table.programs, row.cells, strict=True)
                },
            }
            for row in table.rows
        ],
    }

"""A team plan as CSV ("who takes what", header row first) and JSON (the same, with the
sources): the rows and words of the plan on screen (issue #23)."""

import io
from datetime import date

from compare.plans import Plan, PlanRow
from programs.display import NOT_PUBLISHED
from programs.spreadsheet import BOM, SafeWriter

HEADER = ("Role", "Head count", "Program or module", "Seat cost", "Total", "Weeks", "Source")


def filename(extension: str, *, today: date | None = None) -> str:
    return f"certcatalog-team-plan-{(today or date.today()).isoformat()}.{extension}"


def _text(figure) -> str:
    return figure.text if figure is not None and figure.text else NOT_PUBLISHED


def row_notes(plan: Plan, row: PlanRow) -> list:
    """The sentences behind a row: the one naming the program for the role, its price and
    its length."""
    numbers = [row.fit_note, *row.seat.notes, *row.part.weeks.notes]
    seen = list(dict.fromkeys(n for n in numbers if n))
    return [plan.notes.items[n - 1] for n in seen]


def _source_words(plan: Plan, row: PlanRow) -> str:
    return " ".join(
        f"[{note.number}] “{note.quote}” ({note.standing or 'says ' + note.speaker})"
        for note in row_notes(plan, row)
    )


def cells(plan: Plan, row: PlanRow) -> list[str]:
    """One row of who takes what, as the page's table shows it."""
    if row.part is None:
        return [row.role.name, str(row.people), "None named by the sources", "", "", "", ""]
    return [
        row.role.name,
        str(row.people),
        row.part.name,
        _text(row.seat),
        _text(row.total),
        _text(row.part.weeks),
        _source_words(plan, row),
    ]


def total_cells(plan: Plan) -> list[str]:
    return ["All roles", str(plan.people), "", "", plan.cost.text or NOT_PUBLISHED, "", ""]


def to_csv(plan: Plan | None) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = SafeWriter(out)
    writer.writerow(HEADER)
    if plan is not None:
        for row in plan.rows:
            writer.writerow(cells(plan, row))
        writer.writerow(total_cells(plan))
    return out.getvalue()


def _number(value):
    return None if value is None else float(value)


def _figure(figure) -> dict:
    return {
        "value": _number(figure.value) if figure is not None else None,
        "text": figure.text if figure is not None else None,
        "approximate": figure.approximate if figure is not None and figure.known else None,
        "derived_from": figure.derived_from if figure is not None else None,
        "sources": list(figure.notes) if figure is not None else [],
    }


def _row(plan: Plan, row: PlanRow) -> dict:
    found = {
        "role": row.role.name,
        "role_slug": row.role.slug,
        "head_count": row.people,
        "program": None,
        "csv": cells(plan, row),
    }
    if row.part is None:
        return found
    fit = row.chosen.fit
    return found | {
        "program": row.part.name,
        "program_slug": row.part.program.slug,
        "module": row.part.module.title if row.part.module else None,
        "address": row.part.ref,
        "chosen_by_default": row.by_default,
        "named_for_role": {
            "words": fit.words,
            "strength": fit.get_strength_display(),
            "note": row.chosen.found.note,
            "stated_by": f"says {fit.judge}",
            "source": row.fit_note,
        },
        "seat_cost": _figure(row.seat),
        "total": _figure(row.total),
        "weeks": _figure(row.part.weeks),
        "finishes": {
            "verdict": row.finish.verdict.value,
            "text": row.finish.text,
            "start": row.finish.start,
        },
        "questions": {
            key: {
                "label": label,
                "answer": answer.value,
                "yes": answer.yes.value,
                "stated_by": answer.qualifier,
                "sources": answer.notes,
            }
            for key, label, answer in row.coverage
        },
    }


def to_json(plan: Plan | None, *, url: str) -> dict:
    if plan is None:
        return {"url": url, "rows": [], "sources": []}
    return {
        "url": url,
        "note": (
            "Unknown values are null: the sources do not publish them. Numbers in 'sources' are "
            "the footnotes below. Confirm every figure with the provider before you enrol."
        ),
        "budget": _number(plan.budget),
        "deadline_weeks": plan.deadline,
        "weekly_hours": _number(plan.hours),
        "header": list(HEADER),
        "rows": [_row(plan, row) for row in plan.rows],
        "total": {
            **_figure(plan.cost.known),
            "text": plan.cost.text,
            "unpublished": plan.cost.unknown,
            "csv": total_cells(plan),
        },
        "budget_text": plan.budget_text,
        "questions": [
            {
                "provider": part.program.provider.name,
                "program": part.name,
                "seats": seats,
                "questions": questions,
            }
            for part, seats, questions in plan.questions
        ],
        "sources": [
            {
                "number": note.number,
                "quote": note.quote,
                "speaker": note.speaker,
                "document": note.document.title,
                "document_date": note.document.date_label,
                "promotes": note.document.promotes,
                "referent": note.referent,
                "stated_by": note.standing,
            }
            for note in plan.notes.items
        ],
    }

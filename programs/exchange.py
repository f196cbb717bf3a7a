"""The catalogue's exchange format (issue #13): what /programs/export.csv and .json write and what
`manage.py import_programs` reads back.

One row per program. The *editable* columns are the program's stored facts under their model
field names, with choices as their stored codes, booleans as yes/no, unknown as an empty cell;
a program's modules, role fits and citations are JSON lists in one cell each. The *read-only*
columns after them are for readers: the page address, the derived totals, and for every fact the
value as the site words it, who says so and how sure, and the sources it cites. The import ignores
read-only columns.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from programs.facts import FACTS, Fact, facts_for
from programs.models import Program

PROGRAM_FIELDS: tuple[str, ...] = (
    "slug",
    "name",
    "credential_kind",
    "summary",
    "platform",
    "format",
    "format_note",
    "assessment_type",
    "is_proctored",
    "cme_credit",
    "framework",
    "framework_note",
    "prerequisites",
    "price_amount",
    "price_currency",
    "price_basis",
    "price_is_approximate",
    "course_count",
    "duration_weeks",
    "weekly_hours_min",
    "weekly_hours_max",
    "exam_questions",
    "exam_minutes",
    "exam_pass_mark",
    "validity_months",
    "recognition_note",
    "best_for",
    "trade_offs",
    "source_note",
    "last_verified",
    "url",
    "named_page",
    "status",
)
"""Program's own stored fields, in the order the reader meets them (then its status: a file
can hold drafts, and a published row is imported only when every fact is supported)."""

PROVIDER_FIELDS: tuple[str, ...] = (
    "provider",
    "provider_short_name",
    "provider_kind",
    "provider_description",
    "provider_contact_email",
)
"""The provider by name (created on import when new) and its other fields as `provider_<field>`."""

RELATED_FIELDS: tuple[str, ...] = ("topics", "modules", "role_fits", "citations")
"""Topic names joined by TOPICS_JOINED_BY; modules, role fits and citations as JSON lists."""

EDITABLE_COLUMNS: tuple[str, ...] = (
    PROGRAM_FIELDS[:2] + PROVIDER_FIELDS + PROGRAM_FIELDS[2:] + RELATED_FIELDS
)
"""The columns `import_programs` reads; every one must be present in an imported file."""

DERIVED_COLUMNS: tuple[str, ...] = ("page", "total_cost", "total_weeks")


def fact_columns(key: str) -> tuple[str, str, str]:
    """The three read-only columns of one fact: as the site says it, who says so, the sources."""
    return (f"{key}: as shown", f"{key}: who says, how sure", f"{key}: sources")


FACT_COLUMNS: dict[str, tuple[str, str, str]] = {spec.key: fact_columns(spec.key) for spec in FACTS}
"""`fact_columns` of every fact, worked out once (not three f-strings a fact a program)."""

READ_ONLY_COLUMNS: tuple[str, ...] = DERIVED_COLUMNS + tuple(
    column for spec in FACTS for column in FACT_COLUMNS[spec.key]
)

COLUMNS: tuple[str, ...] = EDITABLE_COLUMNS + READ_ONLY_COLUMNS

TOPICS_JOINED_BY = "; "
YES, NO = "yes", "no"

MODULE_KEYS = ("position", "title", "weeks", "weeks_is_approximate", "price_amount")
ROLE_FIT_KEYS = (
    "role",
    "strength",
    "grade",
    "condition",
    "rationale",
    "referent",
    "source",
    "module",
)
CITATION_KEYS = ("field", "standing", "document", "quote", "referent", "superseded")


def _text(value) -> str | None:
    """A stored value as exchange text; None stays None (an empty cell, JSON null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else _text(value)


def modules(program: Program) -> list[dict]:
    return [
        {
            "position": module.position,
            "title": module.title,
            "weeks": _number(module.weeks),
            "weeks_is_approximate": module.weeks_is_approximate,
            "price_amount": _number(module.price_amount),
        }
        for module in program.modules.all()
    ]


def role_fits(program: Program) -> list[dict]:
    return [
        {
            "role": fit.role.slug,
            "strength": _text(fit.strength),
            "grade": fit.grade,
            "condition": fit.condition,
            "rationale": fit.rationale,
            "referent": fit.referent,
            "source": fit.source.title,
            "module": fit.module.position if fit.module_id else None,
        }
        for fit in sorted(program.role_fits.all(), key=lambda fit: (fit.role.slug, fit.pk))
    ]


def citations(program: Program) -> list[dict]:
    return [
        {
            "field": citation.field,
            "standing": citation.standing,
            "document": citation.document.title,
            "quote": citation.quote,
            "referent": citation.referent,
            "superseded": citation.superseded,
        }
        for citation in program.citations.all()
    ]


@dataclass(frozen=True)
class Record:
    """One program in exchange terms: `editable` in EDITABLE_COLUMNS order (text or None; the
    related lists as Python lists), `read_only` in READ_ONLY_COLUMNS order."""

    editable: dict
    read_only: dict


def record(program: Program, *, page: str, facts: list[Fact] | None = None) -> Record:
    """A program loaded with `Program.objects.for_detail()` in exchange terms. `facts` are its
    `facts_for()` when the caller has them already (the prepared exports build them once for
    the CSV, the JSON and the CTDL: issue #22)."""
    provider = program.provider
    editable = {name: _text(getattr(program, name)) for name in PROGRAM_FIELDS}
    editable |= {
        "provider": provider.name,
        "provider_short_name": provider.short_name,
        "provider_kind": provider.kind,
        "provider_description": provider.description,
        "provider_contact_email": provider.contact_email,
        "topics": program.topic_list,
        "modules": modules(program),
        "role_fits": role_fits(program),
        "citations": citations(program),
    }
    read_only = {
        "page": page,
        "total_cost": _number(program.total_cost),
        "total_weeks": _number(program.total_weeks),
    }
    for fact in facts_for(program) if facts is None else facts:
        shown, says, sources = FACT_COLUMNS[fact.key]
        read_only[shown] = fact.value
        read_only[says] = fact.qualifier
        read_only[sources] = [
            {"document": c.document.title, "standing": c.standing, "quote": c.quote}
            for c in fact.citations
        ]
    return Record(
        editable={name: editable[name] for name in EDITABLE_COLUMNS},
        read_only={name: read_only[name] for name in READ_ONLY_COLUMNS},
    )


_LISTED_AT = {name: EDITABLE_COLUMNS.index(name) for name in RELATED_FIELDS}


def csv_cells(rec: Record) -> list[str]:
    """One CSV row: unknown is an empty cell; topics joined; related lists as JSON text; a
    fact's sources as "document: “quote”" joined by " | "."""
    editable = rec.editable
    cells = ["" if value is None else value for value in editable.values()]
    for name, at in _LISTED_AT.items():  # the only lists among the editable columns
        value = editable[name]
        if name == "topics":
            cells[at] = TOPICS_JOINED_BY.join(value)
        else:
            cells[at] = json.dumps(value, ensure_ascii=False)
    for value in rec.read_only.values():
        if value is None:
            cells.append("")
        elif isinstance(value, list):  # a fact's sources, for reading
            cells.append(" | ".join(f"{s['document']}: “{s['quote']}”" for s in value))
        else:
            cells.append(value)
    return cells


def records(programs: Iterable[Program], *, page_url) -> Iterator[Record]:
    for program in programs:
        yield record(program, page=page_url(program))

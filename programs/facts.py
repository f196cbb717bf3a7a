"""The facts a program page and the comparison table show, each with the source fields behind it.

One list, FACTS, so the detail page, the comparison table and exports agree on labels and wording.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from programs import display
from programs.models import Citation, Program

COST_TIME = "Cost & time"
ASSESSMENT = "Assessment & recognition"
WHO_FOR = "Who it is for"
CURRICULUM = "Curriculum"
PREREQUISITES = "Prerequisites"

GROUPS = (COST_TIME, ASSESSMENT, WHO_FOR, CURRICULUM, PREREQUISITES)


@dataclass(frozen=True)
class FactSpec:
    key: str
    label: str
    group: str
    value: Callable[[Program], str | None]
    cites: tuple[str, ...]
    note: Callable[[Program], str | None] = lambda program: None
    number: Callable[[Program], Decimal | None] | None = None
    """For 'best in row': the number to minimise, when lower is better."""


@dataclass
class Fact:
    spec: FactSpec
    value: str | None
    note: str | None
    citations: list[Citation] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def key(self) -> str:
        return self.spec.key


def _choice(attr: str) -> Callable[[Program], str | None]:
    def value(program: Program) -> str | None:
        if getattr(program, attr) is None:
            return None
        return getattr(program, f"get_{attr}_display")()

    return value


def _proctoring(program: Program) -> str | None:
    if program.is_proctored is None:
        return None
    return "Proctored" if program.is_proctored else "Not proctored"


def _credential_note(program: Program) -> str | None:
    """The plain-words description, where it says more than the kind's own label."""
    if program.credential_description == program.get_credential_kind_display():
        return None
    return program.credential_description


def _topics(program: Program) -> str | None:
    names = [topic.name for topic in program.topics.all()]
    return ", ".join(names) if names else None


def _modules(program: Program) -> str | None:
    parts = []
    for module in program.modules.all():
        details = [
            display.weeks(module.weeks, approximate=module.weeks_is_approximate),
            display.money(module.price_amount, program.price_currency),
        ]
        extra = ", ".join(d for d in details if d)
        parts.append(f"{module.title} ({extra})" if extra else module.title)
    return "; ".join(parts) if parts else None


FACTS: tuple[FactSpec, ...] = (
    FactSpec(
        "total_cost",
        "Total cost",
        COST_TIME,
        display.total_cost,
        ("price", "course_count"),
        note=display.cost_basis,
        number=lambda p: p.total_cost,
    ),
    FactSpec(
        "duration",
        "Duration",
        COST_TIME,
        display.duration,
        ("duration_weeks", "modules"),
        number=lambda p: p.total_weeks,
    ),
    FactSpec(
        "weekly_hours",
        "Weekly hours",
        COST_TIME,
        display.weekly_hours,
        ("weekly_hours",),
        number=lambda p: p.weekly_hours_max,
    ),
    FactSpec("total_hours", "Total study hours", COST_TIME, display.total_hours, ("weekly_hours",)),
    FactSpec(
        "format",
        "Format",
        COST_TIME,
        _choice("format"),
        ("format",),
        note=lambda p: p.format_note,
    ),
    FactSpec("platform", "Platform", COST_TIME, lambda p: p.platform, ("platform",)),
    FactSpec(
        "credential_kind",
        "Credential",
        ASSESSMENT,
        _choice("credential_kind"),
        ("credential_kind",),
        note=_credential_note,
    ),
    FactSpec(
        "assessment_type",
        "Assessment",
        ASSESSMENT,
        _choice("assessment_type"),
        ("assessment_type",),
    ),
    FactSpec("proctoring", "Proctoring", ASSESSMENT, _proctoring, ("assessment_type",)),
    FactSpec("exam", "Exam", ASSESSMENT, display.exam, ("exam",)),
    FactSpec(
        "cme_credit",
        "CME credit",
        ASSESSMENT,
        lambda p: display.yes_no(p.cme_credit),
        ("cme_credit",),
    ),
    FactSpec(
        "framework",
        "Framework alignment",
        ASSESSMENT,
        _choice("framework"),
        ("framework",),
        note=lambda p: p.framework_note,
    ),
    FactSpec("validity", "Validity", ASSESSMENT, display.validity, ("validity_months",)),
    FactSpec(
        "recognition",
        "Recognition",
        ASSESSMENT,
        lambda p: p.recognition_note,
        ("recognition_note",),
    ),
    FactSpec("best_for", "Best for", WHO_FOR, lambda p: p.best_for, ("best_for",)),
    FactSpec("trade_offs", "Trade-offs", WHO_FOR, lambda p: p.trade_offs, ("trade_offs",)),
    FactSpec("topics", "Topics", CURRICULUM, _topics, ("topics",)),
    FactSpec("modules", "Modules", CURRICULUM, _modules, ("modules",)),
    FactSpec(
        "prerequisites",
        "Prerequisites",
        PREREQUISITES,
        lambda p: p.prerequisites,
        ("prerequisites",),
    ),
)


def citations_by_field(program: Program) -> dict[str, list[Citation]]:
    """The program's (prefetched) citations keyed by the field they support."""
    grouped: dict[str, list[Citation]] = {}
    for citation in program.citations.all():
        grouped.setdefault(citation.field, []).append(citation)
    return grouped


def facts_for(program: Program) -> list[Fact]:
    """Every fact of one program, in display order, with the sentences behind each known value."""
    cited = citations_by_field(program)
    facts = []
    for spec in FACTS:
        value = spec.value(program)
        citations = [c for f in spec.cites for c in cited.get(f, [])] if value is not None else []
        facts.append(
            Fact(spec=spec, value=value, note=spec.note(program), citations=_unique(citations))
        )
    return facts


def grouped_facts(program: Program) -> list[tuple[str, list[Fact]]]:
    facts = facts_for(program)
    return [(group, [f for f in facts if f.spec.group == group]) for group in GROUPS]


def _unique(citations: list[Citation]) -> list[Citation]:
    seen, unique = set(), []
    for citation in citations:
        if (citation.document_id, citation.quote) not in seen:
            seen.add((citation.document_id, citation.quote))
            unique.append(citation)
    return unique

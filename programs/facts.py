"""The facts a program page and the comparison table show, each with the source fields behind it.

One list, FACTS, so the detail page, the comparison table and exports agree on labels and wording.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from programs import display, support
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
    unknown_text: str | None = None
    """What an unknown value says instead of "Not published" (for derived figures)."""
    paraphrase: bool = False
    """Free text in the site's words: shown as a paraphrase of its cited sentences (issue #20)."""
    derived_from: Callable[[Program], str | None] = lambda program: None
    """For a derived figure: what it is derived from, shown wherever it is (issue #20)."""
    badge: Callable[[Program], str | None] = lambda program: None
    """A state worth a badge beside the value wherever it is shown ("Open for enrolment")."""
    sources: Callable[[Program], list] | None = None
    """The sentences behind a known value where they are not the citations of `cites`: a
    cohort's dates are backed by the cohort's own sentence (issue #24)."""
    applies: Callable[[Program], bool] = lambda program: True
    """Whether the fact can be asked of this program at all: a CME credit's type only of a
    program with CME credit. Pages leave out what does not apply (`Fact.applies`)."""
    not_applicable: Callable[[Program], str] = lambda program: display.NOT_PUBLISHED
    """What a comparison cell says for a program the fact does not apply to."""


_HEDGES = ("typically", "often", "may", "tend to", "likely")
_UNSURE = (Citation.Standing.SELF_DESCRIBED, Citation.Standing.HEDGED)
OLD_SOURCE_DAYS = 365
"""A source dated more than this before the program was last checked is marked with its year."""


def settles(citation: Citation, program: Program) -> bool:
    """Whether a sentence can settle a fact enough to rank or judge it: not a provider's own
    description, not a hedge, and not a document's word on the program it promotes. The same
    rule in SQL: `Citation.objects.settling()`."""
    return citation.standing not in _UNSURE and not promotes_it(citation, program)


def promotes_it(citation: Citation, program: Program) -> bool:
    """The sentence is from a document that promotes this very program."""
    document = citation.document
    return document.is_vendor and document.promotes == program.provider.short_name


def standing_words(citation: Citation, program: Program) -> str | None:
    """Who says so and how sure, in words, naming the sentence's speaker (issue #21):
    'according to IABAC, as the 2026 guide reports', '“typically”, says the 2026 guide (which
    promotes IABAC)', 'says the 2026 guide (which promotes IABAC)' for a promoter's plain word
    on its own program."""
    document = citation.document
    speaker = document.speaker
    match citation.standing:
        case Citation.Standing.SELF_DESCRIBED:
            provider = program.provider.short_name
            if document.publisher in (program.provider.name, provider):
                return f"according to {provider}"
            return f"according to {provider}, as {document.short_name} reports"
        case Citation.Standing.HEDGED:
            quote = citation.quote.lower()
            hedge = next((h for h in _HEDGES if f" {h} " in f" {quote} "), "hedged")
            return f"“{hedge}”, says {speaker}"
        case Citation.Standing.ASSESSMENT:
            return f"in the view of {speaker}"
        case Citation.Standing.APPROXIMATE:
            # "about", and who says so when it is a promoter's word on its own program.
            return (
                f"approximate, says {speaker}" if promotes_it(citation, program) else "approximate"
            )
    return f"says {speaker}" if promotes_it(citation, program) else None


def summary_voice(program: Program) -> str | None:
    """Whose description a program's summary paraphrases, when no independent source gives
    it: 'As the 2026 guide (which promotes IABAC) describes it', 'As ABAIM describes itself'
    (issue #21). The page header, meta and Open Graph descriptions say it with the summary."""
    cited = [c for c in program.citations.all() if c.field == "summary" and not c.superseded]
    if not cited or any(settles(c, program) for c in cited):
        return None
    if all(promotes_it(c, program) for c in cited):
        return f"As {cited[0].document.speaker} describes it"
    if all(c.standing == Citation.Standing.SELF_DESCRIBED for c in cited):
        document = cited[0].document.short_name
        return f"As {program.provider.short_name} describes itself, as {document} reports"
    return f"As {cited[0].document.speaker} puts it, with a hedge"


def source_age_words(citation: Citation, program: Program) -> str | None:
    """'from a 2022 source' when the document is dated well before the facts were checked."""
    published = citation.document.published_on
    if published and (program.last_verified - published).days > OLD_SOURCE_DAYS:
        return f"from a {published.year} source"
    return None


@dataclass
class Fact:
    spec: FactSpec
    value: str | None
    note: str | None
    citations: list[Citation] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    """Who says so and how sure, in words, from the fact's citations."""
    earlier: list[tuple[str | None, Citation]] = field(default_factory=list)
    """Superseded citations, each with the value its sentence gave: "earlier: $2,990"."""
    derived_from: str | None = None
    badge: str | None = None
    applies: bool = True

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def qualifier(self) -> str | None:
        return "; ".join(self.qualifiers) or None

    settled: bool = True
    """False when the value rests only on claims: a provider's own description, a hedge, or
    what a document says of the very program it promotes (`settles`)."""

    @property
    def settled_enough_to_rank(self) -> bool:
        return self.settled

    @property
    def approximate(self) -> bool:
        return bool(self.value and self.value.startswith("about")) or any(
            c.standing == Citation.Standing.APPROXIMATE for c in self.citations
        )


def _qualifiers(value: str | None, citations: list[Citation], program: Program) -> list[str]:
    words: list[str] = []
    for citation in citations:
        for word in (standing_words(citation, program), source_age_words(citation, program)):
            if word == "approximate" and value and value.startswith("about"):
                continue
            if word == "approximate":
                word = "about"
            if word and word not in words:
                words.append(word)
    return words


def _choice(attr: str) -> Callable[[Program], str | None]:
    return lambda program: display.choice(program, attr)


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
    names = program.topic_list
    return ", ".join(names) if names else None


def _has_cme(program: Program) -> bool:
    return program.cme_credit is True


def _no_cme_words(program: Program) -> str:
    return "No CME credit" if program.cme_credit is False else "CME credit not published"


def _credit_fact(key: str, label: str, value, cites: tuple[str, ...]) -> FactSpec:
    """One part of a program's CME credit (issue #24): asked only of a program with CME."""
    return FactSpec(
        key,
        label,
        ASSESSMENT,
        value,
        cites,
        applies=_has_cme,
        not_applicable=_no_cme_words,
    )


def _total_note(program: Program) -> str | None:
    """How the total is made up, and what it includes (issue #24)."""
    parts = [display.cost_basis(program), display.cost_includes(program)]
    return ". ".join(p for p in parts if p) or None


def _modules(program: Program) -> str | None:
    parts = []
    for module in program.modules.all():
        extra = display.module_details(module, program)
        parts.append(f"{module.title} ({extra})" if extra else module.title)
    return "; ".join(parts) if parts else None


def _start_sources(program: Program) -> list:
    """The next cohort's own sentence; for a self-paced program, the sentences giving its
    format (they are what says it has no fixed start)."""
    cohort = program.next_cohort()
    if cohort is not None:
        return [cohort]
    return [
        c for c in program.citations.all() if c.field == Citation.Field.FORMAT and not c.superseded
    ]


def _enrolment_sources(program: Program) -> list:
    """The sentences of the cohorts the enrolment words name: the open one, the upcoming."""
    cohorts = [program.open_cohort(), *program.upcoming_cohorts()]
    return list({c.pk: c for c in cohorts if c is not None}.values())


FACTS: tuple[FactSpec, ...] = (
    FactSpec(
        "total_cost",
        "Total cost",
        COST_TIME,
        display.total_cost,
        ("price", "course_count", "cost_items"),
        note=_total_note,
        number=lambda p: p.total_cost,
        derived_from=display.total_cost_derivation,
    ),
    FactSpec(
        "cost_items",
        "What the price covers",
        COST_TIME,
        display.cost_items,
        ("cost_items",),
    ),
    FactSpec(
        "duration",
        "Duration",
        COST_TIME,
        display.duration,
        # Not "modules": those citations are about what the modules are (and one is the guide's
        # view of a module for administrators), which would mark the length as that view.
        ("duration_weeks",),
        number=lambda p: p.total_weeks,
        derived_from=display.duration_derivation,
    ),
    FactSpec(
        "weekly_hours",
        "Weekly hours",
        COST_TIME,
        display.weekly_hours,
        ("weekly_hours",),
        number=lambda p: p.most_weekly_hours,
    ),
    FactSpec(
        "total_hours",
        "Total study hours",
        COST_TIME,
        display.total_hours,
        ("weekly_hours",),
        derived_from=display.total_hours_derivation,
    ),
    FactSpec(
        "price_per_hour",
        "Price per study hour (derived)",
        COST_TIME,
        display.price_per_hour,
        ("price", "weekly_hours"),
        unknown_text="Cannot be derived: cost or study hours not published",
        derived_from=display.price_per_hour_derivation,
    ),
    FactSpec(
        "format",
        "Format",
        COST_TIME,
        _choice("format"),
        ("format",),
        note=lambda p: p.format_note,
    ),
    FactSpec(
        "next_start",
        "Next start",
        COST_TIME,
        display.next_start,
        (),
        sources=_start_sources,
    ),
    FactSpec(
        "enrolment",
        "Enrolment",
        COST_TIME,
        display.enrolment,
        (),
        sources=_enrolment_sources,
        badge=lambda p: "Open for enrolment" if p.open_cohort() else None,
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
        display.cme_credit,
        ("cme_credit", "credit_type", "credit_amount", "credit_accreditor"),
    ),
    _credit_fact("credit_type", "CME credit type", display.credit_type, ("credit_type",)),
    _credit_fact("credit_amount", "CME credits", display.credit_amount, ("credit_amount",)),
    _credit_fact(
        "credit_accreditor",
        "CME accrediting body",
        lambda p: p.credit_accreditor,
        ("credit_accreditor",),
    ),
    _credit_fact(
        "counts_toward_moc",
        "Counts toward maintenance of certification",
        display.counts_toward_moc,
        ("counts_toward_moc",),
    ),
    _credit_fact(
        "credit_certificate_cost",
        "CME certificate cost",
        display.credit_certificate_cost,
        ("cost_items",),
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
        paraphrase=True,
    ),
    FactSpec("best_for", "Best for", WHO_FOR, lambda p: p.best_for, ("best_for",), paraphrase=True),
    FactSpec(
        "trade_offs",
        "Trade-offs",
        WHO_FOR,
        lambda p: p.trade_offs,
        ("trade_offs",),
        paraphrase=True,
    ),
    FactSpec("topics", "Topics", CURRICULUM, _topics, ("topics",)),
    FactSpec("modules", "Modules", CURRICULUM, _modules, ("modules",)),
    FactSpec(
        "prerequisites",
        "Prerequisites",
        PREREQUISITES,
        lambda p: p.prerequisites,
        ("prerequisites",),
        paraphrase=True,
    ),
    FactSpec(
        "source_note",
        "About the sources",
        WHO_FOR,
        lambda p: p.source_note,
        ("source_note",),
        paraphrase=True,
    ),
)


QUESTIONS: dict[str, str] = {
    "total_cost": "What does the whole program cost, including any exam or certificate fees?",
    "cost_items": "What does the price cover (tuition, exam fee, membership, CME certificate), "
    "and which parts are required?",
    "duration": "How long does it take from the start to the credential?",
    "weekly_hours": "How many hours a week does it take?",
    "format": "Is it self-paced, or a cohort with fixed start dates?",
    "next_start": "Are there fixed start dates? When does the next start, and when does "
    "enrolment close?",
    "platform": "Where is it delivered (which platform)?",
    "assessment_type": "How is it assessed: a proctored exam, another assessment, or completion?",
    "proctoring": "Is the exam proctored?",
    "exam": "What does the exam involve (questions, time allowed, pass mark)?",
    "cme_credit": "Does it carry CME credit, and how many credits?",
    "credit_amount": "How many credits does it carry?",
    "credit_type": "What type of credit is it (AMA PRA Category 1 Credit™, ANCC contact hours)?",
    "credit_accreditor": "Which body accredits the credit?",
    "counts_toward_moc": "Does it count toward a board's maintenance of certification? Which "
    "boards?",
    "credit_certificate_cost": "Does the CME certificate cost extra? How much?",
    "framework": "Is the credential aligned with an external competency framework? Which one?",
    "validity": "How long is the credential valid, and how is it renewed?",
    "prerequisites": "What are the prerequisites?",
    "topics": "Which topics does the curriculum cover?",
    "modules": "How is it divided into courses or modules, and what does each cost?",
}
"""The question to ask a provider about each fact the sources do not publish."""


def questions_for(facts: list[Fact]) -> list[str]:
    """The ask-the-provider checklist: one question per fact that is not published (of those
    that apply: a CME credit's parts only where the sources give CME credit)."""
    unknown = {f.key for f in facts if f.applies and f.value is None and f.key in QUESTIONS}
    if "total_cost" in unknown:
        unknown.discard("cost_items")  # the question about the whole cost asks it already
    return [QUESTIONS[f.key] for f in facts if f.key in unknown]


def citations_by_field(program: Program, *, superseded: bool = False) -> dict[str, list[Citation]]:
    """The program's (prefetched) current citations keyed by the field they support; with
    `superseded`, the ones a newer source replaced."""
    grouped: dict[str, list[Citation]] = {}
    for citation in program.citations.all():
        if citation.superseded == superseded:
            grouped.setdefault(citation.field, []).append(citation)
    return grouped


def facts_for(program: Program) -> list[Fact]:
    """Every fact of one program, in display order, with the sentences behind each known value."""
    cited = citations_by_field(program)
    replaced = citations_by_field(program, superseded=True)
    facts = []
    for spec in FACTS:
        value = spec.value(program)
        if value is None:
            citations = []
        elif spec.sources is not None:
            citations = spec.sources(program)
        else:
            citations = [c for f in spec.cites for c in cited.get(f, [])]
        citations = _unique(citations)
        earlier = _unique([c for f in spec.cites for c in replaced.get(f, [])])
        facts.append(
            Fact(
                spec=spec,
                value=value,
                note=spec.note(program),
                citations=citations,
                qualifiers=_qualifiers(value, citations, program),
                earlier=[(support.stated_value(c), c) for c in earlier],
                derived_from=spec.derived_from(program) if value is not None else None,
                badge=spec.badge(program) if value is not None else None,
                settled=not citations or any(settles(c, program) for c in citations),
                applies=spec.applies(program),
            )
        )
    return facts


def group_facts(facts: list[Fact]) -> list[tuple[str, list[Fact]]]:
    """The facts that apply to the program, under their groups, for its page."""
    return [(group, [f for f in facts if f.spec.group == group and f.applies]) for group in GROUPS]


def _unique(citations: list[Citation]) -> list[Citation]:
    seen, unique = set(), []
    for citation in citations:
        if (citation.document_id, citation.quote) not in seen:
            seen.add((citation.document_id, citation.quote))
            unique.append(citation)
    return unique

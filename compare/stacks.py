"""Credential stacks (issue #23): 2–4 programs or modules taken together, in the sources' words.

Plain Python over programs loaded with `Program.objects.for_detail()`. A stack says what each
part adds against the 2026 guide's three questions (built for healthcare, assessed or completed,
recognised beyond one institution) and CME, each answer with its words and who says it; the
combined cost as the published part plus each unpublished part named ("$2,990 + IABAC: not
published"), an approximate figure kept approximate; the time one after another and side by side,
derived from published figures only; and the sentence that pairs the parts, with who says so, or
"The sources do not pair these".

A part is a program's slug, or `<slug>:<position>` for one of its modules (Harvard's innovation
module is `harvard-ai-in-health-care:2`), as a role fit that names one module is priced and timed
everywhere else. Every figure carries numbered footnotes to its source sentences (`Notes`), so a
print or PDF brief can render them.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from programs import display
from programs.facts import Fact, facts_for, questions_for
from programs.models import Citation, Document, Module, Program, RoleFit
from programs.roles import Reach, reach

MIN_PARTS = 2
MAX_PARTS = 4
PICK_SHOWN = 30
"""The most programs the stack page offers to add (with their modules), A–Z."""
_MAX_READ = 20
_PART = re.compile(r"^(?P<slug>[-a-zA-Z0-9_]{1,80})(?::(?P<module>[0-9]{1,3}))?$")

INCLUSION_SENTENCE = (
    "The programs compared in this guide are built with healthcare as the primary lens, not an "
    "afterthought module tacked onto a general data science course, which is the baseline "
    "criterion for inclusion."
)
"""The guide's word on the first of its three questions, said of every program it compares."""
INCLUSION_WORDS = "built with healthcare as the primary lens"

NOT_PAIRED = "The sources do not pair these."
DERIVED_SEQUENCE = "Derived from the published durations, added up"
DERIVED_TOGETHER = "Derived: the longest published duration, the parts taken at the same time"
DERIVED_HOURS = "Derived from the published weekly hours, added up"


def inclusion_documents() -> list[Document]:
    """The documents holding the guide's inclusion sentence (one query; the text is unread)."""
    return list(
        Document.objects.filter(text__contains=INCLUSION_WORDS).defer("text").order_by("pk")
    )


# -- Footnotes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """One numbered footnote: a source sentence and who says it, how sure."""

    number: int
    quote: str
    speaker: str
    document: Document
    referent: str | None = None
    standing: str | None = None
    """Who says so and how sure, in words ("according to IABAC, as the 2026 guide reports")."""


class Notes:
    """The footnotes of a stack or plan, numbered in the order figures first cite them."""

    def __init__(self) -> None:
        self.items: list[Note] = []
        self._seen: dict[tuple[int, str], int] = {}

    def add(self, document: Document, quote: str, *, referent=None, standing=None) -> int:
        key = (document.pk, quote)
        if key not in self._seen:
            number = len(self.items) + 1
            self._seen[key] = number
            self.items.append(Note(number, quote, document.speaker, document, referent, standing))
        return self._seen[key]

    def cite(self, citations: list[Citation], program: Program) -> list[int]:
        from programs.facts import standing_words

        # Two citations of one sentence (the weeks and the modules, say) are one footnote.
        numbers = (
            self.add(c.document, c.quote, referent=c.referent, standing=standing_words(c, program))
            for c in citations
        )
        return list(dict.fromkeys(numbers))

    def fit(self, fit: RoleFit) -> int:
        return self.add(
            fit.source, fit.rationale, referent=fit.referent, standing=f"says {fit.judge}"
        )


# -- Parts ----------------------------------------------------------------------------------


class Yes(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass
class Answer:
    """A part's answer to one of the three questions (or CME), in its words, with who says it."""

    question: str
    value: str | None
    yes: Yes
    qualifier: str | None = None
    notes: list[int] = field(default_factory=list)
    settled: bool = True
    """False when it rests only on a provider's own word, a hedge or a promoter's word."""

    @property
    def known(self) -> bool:
        return self.value is not None


QUESTIONS = (
    ("built", "Built for healthcare"),
    ("assessed", "Assessed, not only completed"),
    ("recognised", "Recognised beyond one institution"),
    ("cme", "CME credit"),
)


@dataclass
class Figure:
    """A number shown with its words, whether it is approximate, and its footnotes."""

    value: Decimal | None
    text: str | None
    approximate: bool = False
    notes: list[int] = field(default_factory=list)
    derived_from: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass
class Part:
    program: Program
    module: Module | None
    cost: Figure
    weeks: Figure
    weekly_hours: tuple[Decimal | None, Decimal | None]
    weekly_hours_text: str | None
    weekly_hours_notes: list[int]
    answers: dict[str, Answer]
    questions: list[str]
    """What to ask the provider: the facts the sources do not publish."""

    @property
    def ref(self) -> str:
        """The part as the stack's address names it."""
        return f"{self.program.slug}:{self.module.position}" if self.module else self.program.slug

    @property
    def short(self) -> str:
        """How a sentence names the part: 'IABAC', 'Harvard's Innovation strategy module'."""
        provider = self.program.provider.short_name
        return f"{provider}'s {self.module.title} module" if self.module else provider

    @property
    def name(self) -> str:
        if self.module:
            return f"{self.program.name}: {self.module.title} (module {self.module.position})"
        return self.program.name

    @property
    def format_text(self) -> str | None:
        return display.choice(self.program, "format")


def _fact_answer(question: str, fact: Fact, yes: Yes, notes: Notes, program: Program) -> Answer:
    return Answer(
        question=question,
        value=fact.value,
        yes=yes if fact.value is not None else Yes.UNKNOWN,
        qualifier=fact.qualifier,
        notes=notes.cite(fact.citations, program),
        settled=fact.settled_enough_to_rank,
    )


def answers_for(
    program: Program, facts: dict[str, Fact], notes: Notes, inclusion: list[Document]
) -> dict[str, Answer]:
    """The three questions and CME for one program, each in its source's words."""
    cited_by = {c.document_id for c in program.citations.all()} | {
        f.source_id for f in program.role_fits.all()
    }
    includes = [d for d in inclusion if d.pk in cited_by]
    built = (
        Answer(
            question="built",
            value=f"Compared by {includes[0].short_name}, which includes only programs "
            f"“{INCLUSION_WORDS}”",
            yes=Yes.YES,
            qualifier=f"in the view of {includes[0].speaker}",
            notes=[notes.add(includes[0], INCLUSION_SENTENCE, standing="its own assessment")],
        )
        if includes
        else Answer(question="built", value=None, yes=Yes.UNKNOWN)
    )
    kind = program.assessment_type
    assessed = _fact_answer(
        "assessed",
        facts["assessment_type"],
        Yes.YES if kind in Program.ASSESSMENT_INCLUDES["assessment_based"] else Yes.NO,
        notes,
        program,
    )
    recognised = _fact_answer(
        "recognised",
        facts["framework"],
        Yes.NO if program.framework == Program.Framework.INSTITUTION_SPECIFIC else Yes.YES,
        notes,
        program,
    )
    cme = _fact_answer(
        "cme", facts["cme_credit"], Yes.YES if program.cme_credit else Yes.NO, notes, program
    )
    return {"built": built, "assessed": assessed, "recognised": recognised, "cme": cme}


def _cost(program: Program, module: Module | None, facts, notes: Notes) -> Figure:
    fact = facts["total_cost"]
    if module is not None:
        # A module's price: the price sentence, not the count of courses.
        cited = notes.cite([c for c in fact.citations if c.field == "price"], program)
        amount = module.price_amount
        return Figure(
            amount,
            display.money(amount, program.price_currency, approximate=program.price_is_approximate),
            approximate=program.price_is_approximate,
            notes=cited if amount is not None else [],
        )
    cited = notes.cite(fact.citations, program)
    return Figure(
        program.total_cost,
        fact.value,
        approximate=fact.approximate,
        notes=cited,
        derived_from=fact.derived_from,
    )


def _duration_notes(program: Program, notes: Notes) -> list[int]:
    """The duration's sentences: the stated length, else the modules' lengths."""
    fields = (
        ("duration_weeks",) if program.duration_weeks is not None else ("duration_weeks", "modules")
    )
    cited = [
        c
        for c in program.citations.all()
        if c.field in fields and not c.superseded and re.search(r"\bweeks?\b", c.quote)
    ]
    return notes.cite(cited, program)


def _weeks(program: Program, module: Module | None, facts, notes: Notes) -> Figure:
    if module is not None:
        return Figure(
            module.weeks,
            display.weeks(module.weeks, approximate=module.weeks_is_approximate),
            approximate=module.weeks_is_approximate,
            notes=_duration_notes(program, notes) if module.weeks is not None else [],
        )
    fact = facts["duration"]
    return Figure(
        program.total_weeks,
        fact.value,
        approximate=program.weeks_are_approximate,
        notes=_duration_notes(program, notes) if fact.value else [],
        derived_from=fact.derived_from,
    )


def build_part(
    program: Program, module: Module | None, notes: Notes, inclusion: list[Document]
) -> Part:
    all_facts = facts_for(program)
    facts = {f.key: f for f in all_facts}
    hours = facts["weekly_hours"]
    return Part(
        program=program,
        module=module,
        cost=_cost(program, module, facts, notes),
        weeks=_weeks(program, module, facts, notes),
        weekly_hours=(program.weekly_hours_min, program.weekly_hours_max),
        weekly_hours_text=hours.value,
        weekly_hours_notes=notes.cite(hours.citations, program),
        answers=answers_for(program, facts, notes, inclusion),
        questions=questions_for(all_facts),
    )


# -- Combined figures -----------------------------------------------------------------------


@dataclass
class Combined:
    """A figure over several parts: the published part, and each unpublished part named."""

    known: Figure
    unknown: list[str]
    """The parts whose figure is not published, as a sentence names them."""
    text: str
    """'about $7,790', '$2,990 + IABAC: not published', 'IABAC: not published + …'."""
    breakdown: str | None = None
    """How the known part is made up: 'about $4,800 + $2,990'."""

    @property
    def complete(self) -> bool:
        return not self.unknown


def _unknown_words(names: list[str]) -> list[str]:
    return [f"{name}: not published" for name in names]


def combine_money(parts: list[tuple[str, Figure]], currency: str | None = "USD") -> Combined:
    """The sum of the published costs, approximate when any is, and each unknown named."""
    known = [(name, fig) for name, fig in parts if fig.known]
    unknown = [name for name, fig in parts if not fig.known]
    approximate = any(fig.approximate for _, fig in known)
    total = sum((fig.value for _, fig in known), Decimal(0)) if known else None
    text = display.money(total, currency, approximate=approximate) if known else None
    notes = sorted({n for _, fig in known for n in fig.notes})
    breakdown = " + ".join(fig.text for _, fig in known) if len(known) > 1 else None
    shown = " + ".join(filter(None, [text, *_unknown_words(unknown)]))
    return Combined(
        Figure(total, text, approximate, notes, "Derived from the published prices, added up"),
        unknown,
        shown,
        breakdown,
    )


def _weeks_text(value: Decimal, approximate: bool) -> str:
    return display.weeks(value, approximate=approximate)


def combine_weeks(parts: list[Part], *, together: bool) -> Combined:
    """One after another (the published weeks added up) or side by side (the longest)."""
    known = [p for p in parts if p.weeks.known]
    unknown = [p.short for p in parts if not p.weeks.known]
    approximate = any(p.weeks.approximate for p in known)
    if known:
        values = [p.weeks.value for p in known]
        total = max(values) if together else sum(values, Decimal(0))
        if together:
            longest = [p for p in known if p.weeks.value == total]
            approximate = all(p.weeks.approximate for p in longest)
        text = _weeks_text(total, approximate)
        if unknown and together:
            text = f"at least {text}"
    else:
        total, text = None, None
    notes = sorted({n for p in known for n in p.weeks.notes})
    shown = " + ".join(filter(None, [text, *_unknown_words(unknown)]))
    return Combined(
        Figure(total, text, approximate, notes, DERIVED_TOGETHER if together else DERIVED_SEQUENCE),
        unknown,
        shown,
        " + ".join(_weeks_text(p.weeks.value, p.weeks.approximate) for p in known)
        if len(known) > 1 and not together
        else None,
    )


def combine_hours(parts: list[Part]) -> Combined:
    """Weekly hours when the parts are taken together: the published ranges added up."""
    known = [p for p in parts if p.weekly_hours_text is not None]
    unknown = [p.short for p in parts if p.weekly_hours_text is None]
    if known:
        low = sum((p.weekly_hours[0] or p.weekly_hours[1] for p in known), Decimal(0))
        high = sum((p.weekly_hours[1] or p.weekly_hours[0] for p in known), Decimal(0))
        text = display.hour_range(low, high, unit="hours a week")
    else:
        low = None
        text = None
    notes = sorted({n for p in known for n in p.weekly_hours_notes})
    shown = " + ".join(filter(None, [text, *_unknown_words(unknown)]))
    return Combined(
        Figure(low, text, False, notes, DERIVED_HOURS),
        unknown,
        shown,
        " + ".join(p.weekly_hours_text for p in known) if len(known) > 1 else None,
    )


# -- Pairings -------------------------------------------------------------------------------


class PairingKind(StrEnum):
    NAMED = "named"
    """The sentence names both: 'Pairing it with Stanford's specialization' (it: IABAC)."""
    ADDITION = "addition"
    """One part is named as an addition for a role the other is recommended for."""


@dataclass
class Pairing:
    kind: PairingKind
    addition: Part
    base: Part
    addition_fit: RoleFit
    base_fit: RoleFit
    roles: list[str]
    """The roles it is said for, in the roles' order."""
    note: str | None = None
    """A caveat: the sentence names one module of a program taken whole."""
    notes: list[int] = field(default_factory=list)

    @property
    def speaker(self) -> str:
        return self.addition_fit.judge

    @property
    def for_roles(self) -> str:
        return " and ".join(self.roles)

    @property
    def link_text(self) -> str:
        """'With Stanford, as the 2026 guide (which promotes IABAC) suggests for clinical
        informatics professionals'."""
        verb = "suggests" if self.kind == PairingKind.NAMED else "names it as an addition"
        return f"With {self.addition.short}, as {self.speaker} {verb} for {self.for_roles}"

    @property
    def sentence(self) -> str:
        """The pairing in words, the grading quoted: never the site's own recommendation."""
        if self.kind == PairingKind.NAMED:
            return (
                f"For {self.for_roles}, {self.speaker} pairs {self.base.short} with "
                f"{self.addition.short}: “{self.addition_fit.grade}”."
            )
        return (
            f"For {self.for_roles}, {self.speaker} calls {self.base.short} "
            f"{self.base_fit.words} and names {self.addition.short} as an addition: "
            f"{self.addition_fit.words}. It does not say the addition is meant with "
            f"{self.base.short} in particular."
        )


def _names(fit: RoleFit, program: Program) -> bool:
    """The addition's sentence or its referent names the program's provider."""
    text = f"{fit.rationale} {fit.referent or ''}"
    return program.provider.short_name in text or program.provider.name in text


def _named_partner(fit: RoleFit) -> bool:
    """An addition whose sentence's pronoun is resolved ("Pairing it with…", “it”: IABAC's
    certification) names its partner in its referent; one without ("solid additions for
    administrators") names none."""
    return bool(fit.referent)


def pairing(addition: Part, base: Part) -> list[Pairing]:
    """What the sources say of `addition` taken with `base`: the fits of `addition` graded as
    an addition for a role `base` is recommended or an option for (its own role, or a wider
    role's word for it), one per sentence."""
    found: dict[tuple[int, int], Pairing] = {}
    base_fits = [
        f
        for f in base.program.role_fits.all()
        if f.strength in (RoleFit.Strength.RECOMMENDED, RoleFit.Strength.OPTION)
        # A module taken alone is judged by what the sources say of that module only.
        and f.module_id == (base.module.pk if base.module else f.module_id)
        and (base.module is None or f.module_id is not None)
    ]
    for fit in sorted(addition.program.role_fits.all(), key=RoleFit.reading_order):
        if fit.strength != RoleFit.Strength.ADDITION:
            continue
        if addition.module and fit.module_id != addition.module.pk:
            continue
        explicit = _named_partner(fit)
        if explicit and not _names(fit, base.program):
            continue  # the sentence pairs it with another program
        for base_fit in base_fits:
            if reach(fit.role, base_fit.role) not in (Reach.OWN, Reach.NARROWER):
                continue
            key = (fit.source_id, hash(fit.rationale))
            note = None
            if fit.module_id and addition.module is None:
                note = (
                    f"The sentence names one module, {fit.module.title}, not the whole "
                    f"{addition.program.provider.short_name} program."
                )
            if key in found:
                if base_fit.role.name.lower() not in found[key].roles:
                    found[key].roles.append(base_fit.role.name.lower())
                continue
            found[key] = Pairing(
                kind=PairingKind.NAMED if explicit else PairingKind.ADDITION,
                addition=addition,
                base=base,
                addition_fit=fit,
                base_fit=base_fit,
                roles=[base_fit.role.name.lower()],
                note=note,
            )
    return list(found.values())


# -- The stack ------------------------------------------------------------------------------


@dataclass
class Stack:
    parts: list[Part]
    cost: Combined
    one_after_another: Combined
    side_by_side: Combined
    weekly_hours: Combined
    pairings: list[Pairing]
    notes: Notes
    not_found: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    schedule_notes: list[str] = field(default_factory=list)
    """Why side by side may not hold: fixed start dates not published, formats unknown."""

    @property
    def is_stack(self) -> bool:
        return len(self.parts) >= MIN_PARTS

    @property
    def refs(self) -> list[str]:
        return [part.ref for part in self.parts]

    @property
    def paired(self) -> bool:
        return bool(self.pairings)

    def coverage(self, key: str) -> list[Part]:
        """The parts answering yes to one of the three questions (or CME)."""
        return [p for p in self.parts if p.answers[key].yes == Yes.YES]

    @property
    def covers(self) -> list[tuple[str, str, list[Part]]]:
        return [(key, label, self.coverage(key)) for key, label in QUESTIONS]


def _shown(value: str) -> str:
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value if len(value) <= 40 else value[:40] + "…"


def parse(values: list[str]) -> tuple[list[tuple[str, int | None]], list[str], list[str]]:
    """The parts asked for, in order, as (slug, module position); the values that are no
    part's address; the repeated ones."""
    refs: list[tuple[str, int | None]] = []
    bad: list[str] = []
    repeated: list[str] = []
    for value in values[:_MAX_READ]:
        match = _PART.match(value.strip())
        if not match:
            if _shown(value):
                bad.append(_shown(value))
            continue
        module = match["module"]
        ref = (match["slug"], int(module) if module is not None else None)
        if ref in refs:
            repeated.append(_shown(value))
        else:
            refs.append(ref)
    return refs, bad, repeated


def _schedule_notes(parts: list[Part]) -> list[str]:
    said = []
    for part in parts:
        fmt = part.program.format
        if fmt == Program.Format.COHORT:
            said.append(
                f"{part.short} has fixed start dates; the sources do not publish them, so taking "
                "the parts side by side assumes the start dates line up."
            )
        elif fmt is None:
            said.append(f"{part.short}: whether it has fixed start dates is not published.")
    return said


def build_stack(values: list[str], *, queryset=None, inclusion=None) -> Stack:
    """The stack a query names: 2–4 parts, in the order given; the rest named in messages.
    Queries: the programs with `for_detail()` (four) and the inclusion sentence's documents."""
    refs, not_found, repeated = parse(values)
    queryset = queryset if queryset is not None else Program.objects.published().for_detail()
    slugs = sorted({slug for slug, _ in refs})
    found = {p.slug: p for p in queryset.filter(slug__in=slugs)} if slugs else {}
    inclusion = inclusion_documents() if inclusion is None else inclusion
    notes = Notes()
    parts: list[Part] = []
    left_out: list[str] = []
    for slug, position in refs:
        program = found.get(slug)
        module = None
        if program is not None and position is not None:
            module = next((m for m in program.modules.all() if m.position == position), None)
            if module is None:
                program = None
        if program is None:
            not_found.append(slug if position is None else f"{slug}:{position}")
            continue
        if len(parts) >= MAX_PARTS:
            left_out.append(program.name)
            continue
        parts.append(build_part(program, module, notes, inclusion))
    currencies = {p.program.price_currency for p in parts if p.cost.known}
    pairings = []
    for addition in parts:
        for base in parts:
            if addition is not base and addition.program.pk != base.program.pk:
                pairings.extend(pairing(addition, base))
    for found_pairing in pairings:
        found_pairing.notes = [
            notes.fit(found_pairing.base_fit),
            notes.fit(found_pairing.addition_fit),
        ]
    cost = (
        combine_money([(p.short, p.cost) for p in parts], currencies.pop() if currencies else "USD")
        if len(currencies) <= 1
        else Combined(
            Figure(None, None), [p.short for p in parts], "Not added up: different currencies"
        )
    )
    return Stack(
        parts=parts,
        cost=cost,
        one_after_another=combine_weeks(parts, together=False),
        side_by_side=combine_weeks(parts, together=True),
        weekly_hours=combine_hours(parts),
        pairings=pairings,
        notes=notes,
        not_found=not_found,
        repeated=repeated,
        left_out=left_out,
        schedule_notes=_schedule_notes(parts),
    )


# -- Pairings the sources name, for program and role pages ----------------------------------


@dataclass(frozen=True)
class PairingLink:
    """A one-click stack the sources name: the base and its addition, with the words."""

    refs: tuple[str, str]
    text: str


def _ref(fit: RoleFit) -> str:
    return f"{fit.program.slug}:{fit.module.position}" if fit.module_id else fit.program.slug


def _short(fit: RoleFit) -> str:
    provider = fit.program.provider.short_name
    return f"{provider}'s {fit.module.title} module" if fit.module_id else provider


def links_among(fits: list[RoleFit]) -> list[PairingLink]:
    """The pairings the sources name among already loaded fits (a role page's): each fit graded
    as an addition, with each program recommended or an option for the same role (or named
    in the addition's referent as its partner). No query."""
    links: dict[tuple[str, str], PairingLink] = {}
    bases = [
        f
        for f in fits
        if f.strength in (RoleFit.Strength.RECOMMENDED, RoleFit.Strength.OPTION) and not f.module_id
    ]
    for fit in sorted(fits, key=lambda f: (f.role.position, f.program.name)):
        if fit.strength != RoleFit.Strength.ADDITION:
            continue
        explicit = _named_partner(fit)
        for base in bases:
            if base.program_id == fit.program_id:
                continue
            if reach(fit.role, base.role) not in (Reach.OWN, Reach.NARROWER):
                continue
            if explicit and not _names(fit, base.program):
                continue
            refs = (_ref(base), _ref(fit))
            if refs in links:
                continue
            verb = "suggests" if explicit else "names as an addition"
            links[refs] = PairingLink(
                refs,
                f"{_short(base)} with {_short(fit)}, as {fit.judge} {verb} for "
                f"{fit.role.name.lower()}",
            )
    return list(links.values())

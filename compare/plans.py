"""A team training plan (issue #23): rows of role × head count, one program or module per row.

Plain Python over the catalogue. For each role, the programs the sources name for it in the order
of their recommendation (`programs.roles`, graded words kept); the reader chooses one per row, the
strongest by default. The plan gives each row's seat cost × head count, the known total against
an optional budget with every unpublished price named, who finishes by the deadline from
published durations only (fixed start dates are not published, and the plan says so), each role's
answers to the 2026 guide's three questions (and CME for clinician roles), and the questions to
ask each provider, group pricing among them: the sources publish none.

Queries, whatever the catalogue's size: the named programs for the plan's roles (one, at most
`OPTIONS_PER_ROLE` per role), the chosen programs with `for_detail()` (four) and the inclusion
sentence's documents (one).
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from compare import stacks
from compare.stacks import Answer, Combined, Figure, Notes, Part, Yes
from programs import display
from programs.models import Module, Program, Role, RoleFit, family_ids
from programs.roles import RoleFitFor, fit_for

MAX_ROWS = 20
MAX_PEOPLE = 10_000
"""The most people one row may hold."""
OPTIONS_PER_ROLE = 10
"""The most programs a row offers: the strongest the sources name for its role."""
CLINICIANS = "clinicians"
"""The role whose family (clinicians, physicians) is asked about CME."""


@dataclass(frozen=True)
class Option:
    """A program (or one module) the sources name for a role, in their grading words."""

    found: RoleFitFor

    @property
    def fit(self) -> RoleFit:
        return self.found.fit

    @property
    def program(self) -> Program:
        return self.fit.program

    @property
    def module(self) -> Module | None:
        return self.fit.module if self.fit.module_id else None

    @property
    def ref(self) -> str:
        module = self.module
        return f"{self.program.slug}:{module.position}" if module else self.program.slug

    @property
    def short(self) -> str:
        provider = self.program.provider.short_name
        module = self.module
        return f"{provider}'s {module.title} module" if module else provider

    @property
    def label(self) -> str:
        """'IABAC: “a direct match” (Recommended for this role)': the menu's words."""
        note = f", {self.found.note}" if self.found.note else ""
        return f"{self.short}: {self.fit.words} ({self.fit.get_strength_display()}{note})"


def options_for(roles: list[Role], asked: list[Role]) -> dict[int, list[Option]]:
    """For each asked role, the programs the sources name for it (its own, a wider or a
    narrower role's word, as `fit_for` chooses), strongest first: one query, at most
    `OPTIONS_PER_ROLE` fits per role read."""
    if not asked:
        return {}
    ids = family_ids(roles, [role.slug for role in asked])
    fits = (
        RoleFit.objects.filter(role_id__in=ids, program__status=Program.Status.PUBLISHED)
        .select_related("program__provider", "role", "source", "module")
        .defer("source__text")
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=F("role_id"),
                order_by=[F("strength").desc(), F("program__name").asc(), F("pk").asc()],
            )
        )
        .filter(place__lte=OPTIONS_PER_ROLE)
    )
    by_program: dict[int, list[RoleFit]] = {}
    for fit in fits:
        by_program.setdefault(fit.program_id, []).append(fit)
    options: dict[int, list[Option]] = {}
    for role in asked:
        found = [
            f for f in (fit_for(role, program_fits) for program_fits in by_program.values()) if f
        ]
        found.sort(key=lambda f: (*f.rank_key, f.fit.program.name, f.fit.program_id))
        options[role.pk] = [Option(f) for f in found[:OPTIONS_PER_ROLE]]
    return options


@dataclass(frozen=True)
class RowAsk:
    """One row as the reader gave it: a role, how many people, and the program chosen (its
    address, `slug` or `slug:module`), None for the strongest."""

    role: Role
    people: int
    choice: str | None = None


class Verdict(StrEnum):
    FINISHES = "finishes"
    LATE = "late"
    SHORT_OF_HOURS = "short_of_hours"
    UNKNOWN = "unknown"
    NO_DEADLINE = "no_deadline"


@dataclass
class Finish:
    verdict: Verdict
    text: str
    notes: list[int] = field(default_factory=list)
    start: str | None = None
    """What is known of when it can start: fixed start dates are never published."""


def _start(program: Program) -> str | None:
    match program.format:
        case Program.Format.COHORT:
            return "Fixed start dates, not published: this assumes a cohort starts now."
        case None:
            return "Whether it has fixed start dates is not published."
    return None


def finish(part: Part, *, deadline: int | None, hours: Decimal | None) -> Finish:
    """Whether one person finishes by the deadline, from published durations only."""
    program = part.program
    start = _start(program)
    low = program.weekly_hours_min or program.weekly_hours_max
    if hours is not None and low is not None and hours < low:
        return Finish(
            Verdict.SHORT_OF_HOURS,
            f"Needs {part.weekly_hours_text}, more than the {display.number(hours)} each person "
            "has: not on its published schedule.",
            part.weekly_hours_notes,
            start,
        )
    weeks = part.weeks
    paced = None
    if (
        part.module is None
        and program.format == Program.Format.SELF_PACED
        and hours is not None
        and program.total_hours is not None
    ):
        paced = math.ceil(program.total_hours[1] / hours)
    if not weeks.known and paced is None:
        said = f": whether they finish in {deadline} weeks cannot be said" if deadline else ""
        return Finish(Verdict.UNKNOWN, f"Length not published{said}.", [], start)
    length = (
        f"about {paced} weeks at {display.number(hours)} hours a week (derived)"
        if paced is not None
        else f"Takes {weeks.text}"
    )
    if paced is not None:
        length = f"Takes {length}"
    value = Decimal(paced) if paced is not None else weeks.value
    if deadline is None:
        return Finish(Verdict.NO_DEADLINE, f"{length}.", weeks.notes, start)
    if value <= deadline:
        return Finish(
            Verdict.FINISHES, f"{length}: within your {deadline} weeks.", weeks.notes, start
        )
    late = value - deadline
    return Finish(
        Verdict.LATE,
        f"{length}: {display.weeks(late, approximate=weeks.approximate)} past your "
        f"{deadline}-week deadline.",
        weeks.notes,
        start,
    )


@dataclass
class PlanRow:
    role: Role
    people: int
    options: list[Option]
    chosen: Option | None
    by_default: bool
    part: Part | None = None
    seat: Figure | None = None
    total: Figure | None = None
    finish: Finish | None = None
    coverage: list[tuple[str, str, Answer]] = field(default_factory=list)
    fit_note: int | None = None
    """The footnote of the sentence that names the chosen program for this role."""

    @property
    def people_words(self) -> str:
        return (
            f"{self.people} {self.role.name.lower()}"
            if self.people != 1
            else (f"1 of the {self.role.name.lower()}")
        )


@dataclass
class Plan:
    rows: list[PlanRow]
    budget: Decimal | None
    deadline: int | None
    hours: Decimal | None
    cost: Combined
    budget_text: str | None
    notes: Notes
    questions: list[tuple[Part, int, list[str]]]
    """Per program chosen: the part, its seats and what to ask its provider."""

    @property
    def people(self) -> int:
        return sum(row.people for row in self.rows)

    @property
    def unplanned(self) -> list[PlanRow]:
        return [row for row in self.rows if row.chosen is None]


def _seat_total(seat: Figure, people: int, currency: str | None) -> Figure:
    if not seat.known:
        return Figure(None, None)
    value = seat.value * people
    text = display.money(value, currency, approximate=seat.approximate)
    return Figure(
        value,
        text,
        seat.approximate,
        seat.notes,
        f"Derived: {people} × {seat.text}" if people != 1 else None,
    )


def _budget_words(cost: Combined, budget: Decimal | None, unknown_seats: list[str]) -> str | None:
    if budget is None:
        return None
    limit = display.money(budget, "USD")
    missing = f" The price of {', '.join(unknown_seats)} is not published." if unknown_seats else ""
    if not cost.known.known:
        return (
            f"No price in this plan is published: whether it fits your {limit} budget cannot "
            f"be said.{missing}"
        )
    known = cost.known
    about = known.approximate
    if known.value <= budget:
        left = display.money(budget - known.value, "USD", approximate=about)
        before = " before the unpublished prices" if unknown_seats else ""
        return (
            f"The published prices come to {known.text} of your {limit} budget: {left} "
            f"left{before}.{missing}"
        )
    over = display.money(known.value - budget, "USD", approximate=about)
    return f"The published prices come to {known.text}: {over} over your {limit} budget.{missing}"


def _group_question(people: int) -> str:
    return (
        f"Do you offer group or volume pricing for {people} "
        f"{'person' if people == 1 else 'people'}? The sources publish no group pricing."
    )


def build_plan(
    asks: list[RowAsk],
    *,
    roles: list[Role],
    budget: Decimal | None = None,
    deadline: int | None = None,
    hours: Decimal | None = None,
    options: dict[int, list[Option]] | None = None,
    inclusion=None,
) -> Plan:
    """The plan for these rows. A choice not named for its row's role is refused by the form
    (`TeamRowForm`); here it falls back to the strongest."""
    asked = list({ask.role.pk: ask.role for ask in asks}.values())
    options = options_for(roles, asked) if options is None else options
    clinicians = next((r for r in roles if r.slug == CLINICIANS), None)
    rows: list[PlanRow] = []
    for ask in asks[:MAX_ROWS]:
        offered = options.get(ask.role.pk, [])
        chosen = next((o for o in offered if o.ref == ask.choice), None)
        rows.append(
            PlanRow(
                role=ask.role,
                people=ask.people,
                options=offered,
                chosen=chosen or (offered[0] if offered else None),
                by_default=chosen is None,
            )
        )
    program_ids = {row.chosen.program.pk for row in rows if row.chosen}
    loaded = (
        {p.pk: p for p in Program.objects.published().for_detail().filter(pk__in=program_ids)}
        if program_ids
        else {}
    )
    inclusion = stacks.inclusion_documents() if inclusion is None and loaded else inclusion or []
    notes = Notes()
    parts: dict[str, Part] = {}
    seats: dict[str, int] = {}
    for row in rows:
        if row.chosen is None or row.chosen.program.pk not in loaded:
            row.chosen = None
            continue
        program = loaded[row.chosen.program.pk]
        ref = row.chosen.ref
        if ref not in parts:
            module = next(
                (
                    m
                    for m in program.modules.all()
                    if row.chosen.module and m.pk == row.chosen.module.pk
                ),
                None,
            )
            parts[ref] = stacks.build_part(program, module, notes, inclusion)
        part = row.part = parts[ref]
        row.fit_note = notes.fit(row.chosen.fit)
        seats[ref] = seats.get(ref, 0) + row.people
        row.seat = part.cost
        row.total = _seat_total(part.cost, row.people, program.price_currency)
        row.finish = finish(part, deadline=deadline, hours=hours)
        clinician = clinicians is not None and (
            row.role.pk == clinicians.pk or row.role.parent_id == clinicians.pk
        )
        row.coverage = [
            (key, label, part.answers[key])
            for key, label in stacks.QUESTIONS
            if key != "cme" or clinician
        ]
    planned = [row for row in rows if row.part is not None]
    unknown = [
        f"{ref_part.short} ({seats[ref]} seat{'s' if seats[ref] != 1 else ''})"
        for ref, ref_part in parts.items()
        if not ref_part.cost.known
    ]
    cost = stacks.combine_money(
        [(row.part.short, row.total) for row in planned if row.total.known]
        + [(name, Figure(None, None)) for name in unknown]
    )
    return Plan(
        rows=rows,
        budget=budget,
        deadline=deadline,
        hours=hours,
        cost=cost,
        budget_text=_budget_words(cost, budget, unknown),
        notes=notes,
        questions=[
            (
                part,
                seats[ref],
                [
                    *part.questions,
                    _group_question(seats[ref]),
                    *(
                        ["When do the next cohorts start? The sources publish no start dates."]
                        if part.program.format != Program.Format.SELF_PACED
                        else []
                    ),
                ],
            )
            for ref, part in parts.items()
        ],
    )


def covered(plan: Plan) -> list[tuple[str, str, list[PlanRow]]]:
    """Per question, the rows whose chosen program answers yes."""
    return [
        (
            key,
            label,
            [
                row
                for row in plan.rows
                if any(k == key and a.yes == Yes.YES for k, _, a in row.coverage)
            ],
        )
        for key, label in stacks.QUESTIONS
    ]

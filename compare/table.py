"""The comparison table: one column per program, rows grouped, differences and best values marked.

Plain Python, called by the page, the print summary and the exports alike. An unknown value is its
own state ("Not published"): it never makes a row count as different, and it is never "best".
"""

from dataclasses import dataclass, field
from decimal import Decimal

from programs import display, facts
from programs.models import Citation, Document, Program, Role, RoleFit
from programs.roles import RoleFitFor, fit_for

FIT_BY_ROLE = "Fit by role"
SOURCES = "Sources"
GROUP_ORDER = (
    facts.COST_TIME,
    facts.ASSESSMENT,
    FIT_BY_ROLE,
    facts.CURRICULUM,
    facts.PREREQUISITES,
    facts.WHO_FOR,
    SOURCES,
)


@dataclass
class Cell:
    value: str | None
    note: str | None = None
    citations: list[Citation] = field(default_factory=list)
    number: Decimal | None = None
    best: bool = False
    quote: str | None = None
    empty_text: str | None = None
    """What an unknown cell says instead of "Not published", where that reads better."""
    qualifier: str | None = None
    """Who says so and how sure ('according to IABAC', '“typically”, says the 2026 guide')."""
    rankable: bool = True
    """False when the value rests only on a self-description or a hedge: never 'best'."""
    approximate: bool = False
    quote_source: Document | None = None
    """The document a `quote` (a role fit's sentence) is from."""
    quote_referent: str | None = None
    """Whom the quote's pronoun means (`RoleFit.referent`)."""
    derived_from: str | None = None
    """What a derived figure is derived from ("Derived from the price per course × …")."""
    badge: str | None = None
    """A state shown as a badge beside the value ("Open for enrolment", issue #24)."""
    changed: bool = False
    """Shown differently than on the `?since=` date (issue #20); `was` is what it showed then."""
    was: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass
class Row:
    key: str
    label: str
    group: str
    cells: list[Cell]
    best_label: str | None = None

    @property
    def differs(self) -> bool:
        """True when two known values disagree; unknowns are not a disagreement."""
        return len({cell.value for cell in self.cells if cell.known}) > 1

    @property
    def partly_published(self) -> bool:
        """Some programs publish this fact and others do not: a difference a reader needs."""
        known = [cell.known for cell in self.cells]
        return any(known) and not all(known)

    @property
    def kept_in_differences(self) -> bool:
        return self.differs or self.partly_published


@dataclass
class RowGroup:
    name: str
    rows: list[Row]


@dataclass
class Table:
    programs: list[Program]
    groups: list[RowGroup]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def only_differences(self) -> "Table":
        groups = [
            RowGroup(g.name, [r for r in g.rows if r.kept_in_differences]) for g in self.groups
        ]
        return Table(self.programs, [g for g in groups if g.rows])


_BEST = {
    "total_cost": ("Lowest", "costs"),
    "duration": ("Shortest", "durations"),
    "weekly_hours": ("Fewest hours", "weekly hours"),
}


def _mark_best(row: Row) -> None:
    """Mark the lowest number when at least two programs publish one they can be ranked on.

    The label says how many values it was chosen from ("Lowest of 2 published costs"); a value
    resting only on a provider's self-description or a hedge is never ranked.
    """
    ranked = [
        cell for cell in row.cells if cell.known and cell.number is not None and cell.rankable
    ]
    numbers = [cell.number for cell in ranked]
    if len(numbers) < 2 or len(set(numbers)) < 2:
        return
    lowest = min(numbers)
    for cell in ranked:
        cell.best = cell.number == lowest
    word, noun = _BEST.get(row.key, ("Best", "values"))
    row.best_label = f"{word} of {len(numbers)} published {noun}"


def _fact_rows(programs: list[Program]) -> dict[str, list[Row]]:
    per_program = [{fact.key: fact for fact in facts.facts_for(p)} for p in programs]
    grouped: dict[str, list[Row]] = {}
    for spec in facts.FACTS:
        if not any(program_facts[spec.key].applies for program_facts in per_program):
            continue  # a CME credit's parts, when no program compared gives CME credit
        cells = []
        for program, program_facts in zip(programs, per_program, strict=True):
            fact = program_facts[spec.key]
            if not fact.applies:
                cells.append(Cell(value=None, empty_text=spec.not_applicable(program)))
                continue
            cells.append(
                Cell(
                    value=fact.value,
                    note=fact.note,
                    citations=fact.citations,
                    number=spec.number(program) if spec.number and fact.value else None,
                    qualifier=fact.qualifier,
                    rankable=fact.settled_enough_to_rank,
                    approximate=fact.approximate,
                    empty_text=spec.unknown_text,
                    derived_from=fact.derived_from,
                    badge=fact.badge,
                )
            )
        row = Row(key=spec.key, label=spec.label, group=spec.group, cells=cells)
        if spec.number is not None:
            _mark_best(row)
        grouped.setdefault(spec.group, []).append(row)
    return grouped


def _fit_cell(found: RoleFitFor | None) -> Cell:
    """A role row's cell: the source's grading words, whose judgement, the sentence, and whom
    the source meant when it is a wider or narrower role's fit."""
    if found is None:
        return Cell(value=None, empty_text="Not named for this role")
    fit = found.fit
    notes = [found.note.capitalize()] if found.note else []
    if fit.module_id:
        notes.append(f"One module only: {fit.module.title}")
    return Cell(
        value=f"{fit.get_strength_display()}: {fit.words}",
        note="; ".join(notes) or None,
        quote=fit.rationale,
        qualifier=f"says {fit.judge}",
        quote_source=fit.source,
        quote_referent=fit.referent,
        rankable=False,
    )


def _fit_rows(programs: list[Program], roles: list[Role]) -> list[Row]:
    """One row per role any compared program is named for, itself or through its wider or
    narrower role (physicians are clinicians): the same rule as the role pages."""
    rows = []
    for role in sorted(roles, key=lambda r: (r.position, r.name)):
        cells = [_fit_cell(fit_for(role, program.role_fits.all())) for program in programs]
        if any(cell.known for cell in cells):
            rows.append(
                Row(key=f"role-{role.slug}", label=role.name, group=FIT_BY_ROLE, cells=cells)
            )
    return rows


def _source_rows(programs: list[Program]) -> list[Row]:
    documents = []
    verified = []
    for program in programs:
        titles = sorted({c.document.title for c in program.citations.all()})
        documents.append(Cell(value="; ".join(titles) if titles else None))
        day = program.last_verified
        verified.append(Cell(value=display.day(day)))
    return [
        Row(key="documents", label="Documents cited", group=SOURCES, cells=documents),
        Row(
            key="last_verified", label="Last checked against sources", group=SOURCES, cells=verified
        ),
    ]


SUMMARY_KEYS = (
    "total_cost",
    "duration",
    "weekly_hours",
    "format",
    "credential_kind",
    "assessment_type",
    "exam",
    "cme_credit",
    "framework",
    "validity",
    "prerequisites",
)


def _fit_summary(programs: list[Program]) -> Row:
    """The print summary's one fit row: each role in the source's grading words, and who
    says so."""
    cells = []
    for program in programs:
        fits = sorted(program.role_fits.all(), key=RoleFit.reading_order)
        # The grading words alone, each once with the roles it is said of (the conditions and
        # sentences are on the comparison page): the summary stays one landscape page.
        graded: dict[str, list[str]] = {}
        for fit in fits:
            role = fit.role.name
            if fit.module_id:
                role += f" (one module only: {fit.module.title})"
            # An audience line is no grading: named as what it is, not by its opening words.
            grade = f"“{fit.grade}”" if fit.is_recommendation else "its described audience"
            graded.setdefault(grade, []).append(role)
        parts = [f"{grade}: {', '.join(roles)}" for grade, roles in graded.items()]
        judges = sorted({f"says {fit.judge}" for fit in fits})
        cells.append(
            Cell(
                value="; ".join(parts) if parts else None,
                empty_text="No role named",
                qualifier="; ".join(judges) or None,
                rankable=False,
            )
        )
    row = Row(key="fit", label="Fit by role", group=FIT_BY_ROLE, cells=cells)
    said = {cell.qualifier for cell in cells if cell.known}
    if len(said) == 1:
        # One judge for every fit compared: said once, beside the row's name.
        row.label = f"Fit by role ({said.pop()})"
        for cell in cells:
            cell.qualifier = None
    return row


def build_summary(programs: list[Program]) -> Table:
    """The one-page version for a manager or a tuition request: key facts, no notes or quotes."""
    full = build_table(programs, roles=[])  # one fit row of its own instead of one per role
    rows = {row.key: row for row in full.rows}
    keep = [rows[key] for key in SUMMARY_KEYS]
    for row in keep:
        for cell in row.cells:
            cell.citations = []
    groups = [
        RowGroup(facts.COST_TIME, [r for r in keep if r.group == facts.COST_TIME]),
        RowGroup("Assessment & prerequisites", [r for r in keep if r.group != facts.COST_TIME]),
        RowGroup(FIT_BY_ROLE, [_fit_summary(programs), rows["last_verified"]]),
    ]
    return Table(programs=programs, groups=groups)


def _pace_row(programs: list[Program], weekly_hours: Decimal) -> Row:
    """Derived: weeks to finish each program at the reader's weekly hours."""
    cells = []
    for program in programs:
        schedule = display.schedule_instead_of_pace(program)
        cells.append(
            Cell(value=None, empty_text=schedule)
            if schedule
            else Cell(
                value=display.weeks_at_pace(program, weekly_hours),
                empty_text="Cannot be derived: study hours not published",
            )
        )
    return Row(
        key="weeks_at_pace",
        label=f"Weeks at your {display.number(weekly_hours)} hours a week (derived)",
        group=facts.COST_TIME,
        cells=cells,
    )


def build_table(
    programs: list[Program],
    *,
    weekly_hours: Decimal | None = None,
    roles: list[Role] | None = None,
    reader_role: str | None = None,
) -> Table:
    """The comparison of these programs (loaded with `Program.objects.for_detail()`); with the
    reader's weekly hours, a derived row of weeks to finish at that pace."""
    grouped = _fact_rows(programs)
    if weekly_hours:
        grouped[facts.COST_TIME].append(_pace_row(programs, weekly_hours))
    fit_rows = _fit_rows(programs, list(Role.objects.all()) if roles is None else roles)
    if reader_role:
        # The reader's own role (from the finder) first, and said to be theirs.
        mine = [row for row in fit_rows if row.key == f"role-{reader_role}"]
        for row in mine:
            row.label = f"{row.label} (your role)"
        fit_rows = mine + [row for row in fit_rows if row not in mine]
    grouped[FIT_BY_ROLE] = fit_rows
    grouped[SOURCES] = _source_rows(programs)
    groups = [RowGroup(name, grouped[name]) for name in GROUP_ORDER if grouped.get(name)]
    return Table(programs=programs, groups=groups)

"""The fit finder: programs ranked for a reader's role and needs, each judgement explained.

Plain Python over programs loaded with `Program.objects.for_detail()` (issue #21):

- the sources' word for the reader's role ranks first (`RoleFit.strength`, through the role
  hierarchy of `programs.roles`); a program the sources do not name for the role is listed
  apart, never among the ones to compare;
- then the needs met: one line per need, met, at the low end of a published range, not met,
  not published, or resting only on a claim or a hedge (shown with who says so, never "met",
  never counted for or against);
- a fit that names one module is judged, priced and timed as that module, and says so.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)

from programs import display, limits
from programs.facts import Fact, facts_for
from programs.models import Citation, Module, Program, Role, RoleFit
from programs.roles import Reach, RoleFitFor, fit_for


class Verdict(StrEnum):
    MET = "met"
    LOW_END = "low_end"  # within a published range, at its low end
    NOT_MET = "not_met"
    NOT_PUBLISHED = "unknown"  # the fact the need asks about is not published
    CLAIMED = "claimed"  # rests only on a provider's own description or a hedge


@dataclass(frozen=True)
class Needs:
    """What the reader asked for; None means 'no preference'."""

    role: Role | None = None
    budget: Decimal | None = None
    weekly_hours: Decimal | None = None
    cme: bool = False
    assessed: bool = False
    portable: bool = False
    pace: str | None = None  # Program.Format value

    @property
    def asked(self) -> bool:
        return any(
            (
                self.role,
                self.budget is not None,
                self.weekly_hours is not None,
                self.cme,
                self.assessed,
                self.portable,
                self.pace,
            )
        )


@dataclass
class Judgement:
    criterion: str
    verdict: Verdict
    text: str
    citations: list[Citation] = field(default_factory=list)
    qualifier: str | None = None
    gap: str | None = None
    """For a need not met: how far off, e.g. '$990 over budget', '1–2 hours a week more'."""
    near: bool = False
    """The gap is small (at most `limits.NEAR_MISS_SHARE` of the reader's limit)."""


@dataclass
class Match:
    program: Program
    judgements: list[Judgement]
    role_fit: RoleFitFor | None = None
    """The sources' word for the reader's role (None: not named for it, or no role asked)."""
    price_per_hour: str | None = None
    weeks_at_your_pace: str | None = None
    schedule: str | None = None
    """For a program not self-paced: its fixed schedule instead of a pace."""

    def _count(self, *verdicts: Verdict) -> int:
        return sum(1 for j in self.judgements if j.verdict in verdicts)

    @property
    def met(self) -> int:
        return self._count(Verdict.MET)

    @property
    def low_end(self) -> int:
        return self._count(Verdict.LOW_END)

    @property
    def not_met(self) -> int:
        return self._count(Verdict.NOT_MET)

    @property
    def unknown(self) -> int:
        """Needs the sources do not settle: not published, or resting on a claim or a hedge."""
        return self._count(Verdict.NOT_PUBLISHED, Verdict.CLAIMED)

    @property
    def module(self) -> Module | None:
        """The one module the sources recommend for the reader's role, when they name one."""
        return self.role_fit.fit.module if self.role_fit and self.role_fit.fit.module_id else None

    @property
    def gaps(self) -> list[str]:
        """Every need not met, in words: a near miss names them all."""
        return [j.gap or j.criterion for j in self.judgements if j.verdict == Verdict.NOT_MET]

    @property
    def is_near_miss(self) -> bool:
        """Misses something, and only by a little on limits (budget, hours)."""
        missed = [j for j in self.judgements if j.verdict == Verdict.NOT_MET]
        return bool(missed) and all(j.near for j in missed)


def _unsettled(fact: Fact) -> bool:
    """True when the fact rests only on a provider's own description or a hedge."""
    return bool(fact.citations) and not fact.settled_enough_to_rank


def _judged(criterion: str, fact: Fact, verdict: Verdict, text: str, **extra) -> Judgement:
    """A judgement on a published fact; one resting only on a claim or a hedge is reported as
    such ("claimed", with who says so) and never counts as met or missed."""
    if verdict != Verdict.NOT_PUBLISHED and _unsettled(fact):
        speakers = sorted({f"says {c.document.speaker}" for c in fact.citations})
        who = "; ".join(dict.fromkeys([*(fact.qualifier or "").split("; "), *speakers]))
        who = who.strip("; ")
        return Judgement(
            criterion,
            Verdict.CLAIMED,
            f"{text.rstrip('.')} ({who}) — a claim the sources do not settle, so it counts "
            "neither way.",
            fact.citations,
            fact.qualifier,
        )
    return Judgement(criterion, verdict, text, fact.citations, fact.qualifier, **extra)


def _judge_budget(program: Program, fact: Fact, budget: Decimal, module: Module | None):
    criterion = "Within your budget"
    cost = limits.cost_for(program, module)
    if cost is None:
        what = "The recommended module's price" if module else "Cost"
        return Judgement(
            criterion, Verdict.NOT_PUBLISHED, f"{what} not published — ask the provider."
        )
    price = display.money(cost, program.price_currency, approximate=program.price_is_approximate)
    shown = f"The {module.title} module costs {price}" if module else f"Costs {price}"
    if cost <= budget:
        return _judged(criterion, fact, Verdict.MET, f"{shown}: within your budget.")
    gap = limits.over_budget(cost - budget, program.price_currency)
    return _judged(
        criterion,
        fact,
        Verdict.NOT_MET,
        f"{shown}: {gap}.",
        gap=gap,
        near=limits.is_near(cost - budget, budget),
    )


def _judge_hours(program: Program, fact: Fact, hours: Decimal):
    """A published range judged as a range: 4 against "four to five" is at its low end."""
    criterion = "Fits your weekly hours"
    low, high = limits.hours_range(program)
    if low is None:
        return Judgement(
            criterion, Verdict.NOT_PUBLISHED, "Weekly hours not published — ask the provider."
        )
    shown = f"Needs {display.weekly_hours(program)}"
    if hours >= high:
        return _judged(
            criterion, fact, Verdict.MET, f"{shown}: within your {display.number(hours)}."
        )
    if hours >= low:
        return _judged(
            criterion,
            fact,
            Verdict.LOW_END,
            f"{shown}: your {display.number(hours)} is at the low end of that range.",
        )
    gap = limits.more_hours(low - hours, high - hours)
    return _judged(
        criterion,
        fact,
        Verdict.NOT_MET,
        f"{shown}: {gap}.",
        gap=gap,
        near=limits.is_near(low - hours, hours),
    )


def _judge_yes_no(criterion, fact, value, *, yes, no, unknown) -> Judgement:
    if value is None:
        return Judgement(criterion, Verdict.NOT_PUBLISHED, unknown)
    return _judged(criterion, fact, Verdict.MET if value else Verdict.NOT_MET, yes if value else no)


def _quoted(fact: Fact) -> str:
    """The fact's first source sentence, quoted, to say a judgement in the source's words."""
    return f" “{fact.citations[0].quote}”" if fact.citations else ""


def _judge_assessed(program: Program, fact: Fact) -> Judgement:
    kind = program.assessment_type
    assessed = None if kind is None else kind in Program.ASSESSMENT_INCLUDES["assessment_based"]
    label = program.get_assessment_type_display() if kind else ""
    return _judge_yes_no(
        "Assessed, not only completed",
        fact,
        assessed,
        yes=f"{label}.",
        # The source's own words for what completion-based means here, never the site's.
        no=f"{label}. The source says:{_quoted(fact)}",
        unknown="How it is assessed is not published — ask the provider.",
    )


def _judge_portable(program: Program, facts: dict[str, Fact]) -> Judgement:
    fact = facts["framework"]
    portable = (
        None
        if program.framework is None
        else program.framework != Program.Framework.INSTITUTION_SPECIFIC
    )
    judgement = _judge_yes_no(
        "Recognised beyond one institution",
        fact,
        portable,
        yes=f"Aligned with an external framework: {fact.value}.",
        no="Uses an institution-specific framework, which can limit portability.",
        unknown="Framework alignment not published — ask the provider.",
    )
    recognition = facts["recognition"]
    if recognition.citations and judgement.verdict != Verdict.NOT_PUBLISHED:
        # What the sources say of its recognition, beside the framework.
        judgement.citations = judgement.citations + [
            c for c in recognition.citations if c not in judgement.citations
        ]
    return judgement


def _judge_pace(program: Program, fact: Fact, pace: str) -> Judgement:
    wanted = Program.Format(pace).label
    value = None if program.format is None else program.format == pace
    return _judge_yes_no(
        wanted,
        fact,
        value,
        yes=f"{fact.value}.",
        no=f"{fact.value}, not {wanted.lower()}.",
        unknown="Format not published — ask the provider.",
    )


def judge(program: Program, needs: Needs) -> Match:
    """Every need the reader asked about, for one program, and the sources' word for their
    role."""
    facts = {fact.key: fact for fact in facts_for(program)}
    found = fit_for(needs.role, program.role_fits.all()) if needs.role else None
    module = found.fit.module if found and found.fit.module_id else None
    judgements = []
    if needs.budget is not None:
        judgements.append(_judge_budget(program, facts["total_cost"], needs.budget, module))
    if needs.weekly_hours is not None:
        judgements.append(_judge_hours(program, facts["weekly_hours"], needs.weekly_hours))
    if needs.cme:
        judgements.append(
            _judge_yes_no(
                "Gives CME credit",
                facts["cme_credit"],
                program.cme_credit,
                yes="Carries CME credit.",
                no="No CME credit.",
                unknown="CME credit not published — ask the provider.",
            )
        )
    if needs.assessed:
        judgements.append(_judge_assessed(program, facts["assessment_type"]))
    if needs.portable:
        judgements.append(_judge_portable(program, facts))
    if needs.pace:
        judgements.append(_judge_pace(program, facts["format"], needs.pace))
    schedule = display.schedule_instead_of_pace(program, module)
    return Match(
        program=program,
        judgements=judgements,
        role_fit=found,
        price_per_hour=None if module else display.price_per_hour(program),
        weeks_at_your_pace=None if schedule else display.weeks_at_pace(program, needs.weekly_hours),
        schedule=schedule if needs.weekly_hours is not None else None,
    )


def rank_key(match: Match) -> tuple:
    """Best first: the sources' word for the role (whole-role fits, strongest grading), then
    fewest needs missed, fewest unsettled, fewest at the low end, then cost and name."""
    found = match.role_fit
    role = (found is None, *(found.rank_key if found else (0, 0, 0)))
    cost = limits.cost_for(match.program, match.module)
    return (
        *role,
        match.not_met,
        match.unknown,
        match.low_end,
        cost is None,
        cost or 0,
        match.program.name,
        match.program.pk,
    )


def rank(programs: list[Program], needs: Needs) -> list[Match]:
    return sorted((judge(program, needs) for program in programs), key=rank_key)


@dataclass
class Ranking:
    """The finder's answer: the programs named for the reader's role, best first; the others
    apart; which to compare."""

    named: list[Match]
    not_named: list[Match]
    considered: int

    def to_compare(self, top: int) -> list[Match]:
        """The first `top` programs the sources name for the whole role (never one they do not
        name, nor one named only for a narrower role)."""
        return [m for m in self.named if m.role_fit is None or m.role_fit.applies][:top]

    @property
    def near_misses(self) -> list[Match]:
        return [m for m in self.named if m.is_near_miss]

    def heading(self, role: Role | None) -> str:
        """What the list is: 'The sources name 1 program for nursing leaders'."""
        judged = len(self.named) + len(self.not_named)
        more = self.considered > judged
        count = len(self.named)
        noun = f"program{'' if count == 1 else 's'}"
        if role is None:
            if more:
                return f"The best {count} of {self.considered} programs, best fit first"
            return f"{count} {noun}, best fit first"
        if more and not self.not_named:
            # The shortlist is all named programs: there may be more than it holds.
            return (
                f"The best {count} of the programs the sources name for {role.name.lower()} "
                f"({self.considered} programs in the catalogue)"
            )
        return f"The sources name {count} {noun} for {role.name.lower()}"


def find(queryset, needs: Needs, limit: int | None = None) -> Ranking:
    """The shortlist, judged and ranked, split into named and not named for the role."""
    programs, considered = shortlist(queryset, needs, limit or SHORTLIST)
    matches = rank(programs, needs)
    if needs.role is None:
        return Ranking(matches, [], considered)
    return Ranking(
        [m for m in matches if m.role_fit is not None],
        [m for m in matches if m.role_fit is None],
        considered,
    )


SHORTLIST = 25
"""The most programs the finder judges and shows: the best fits, whatever the catalogue's size."""


def _unsettled_condition(fields: tuple[str, ...]) -> Q:
    """In SQL, `_unsettled`: the fact's current citations are all a claim or a hedge."""
    cited = Citation.objects.filter(program=OuterRef("pk"), field__in=fields, superseded=False)
    return Q(Exists(cited)) & ~Q(Exists(cited.settling(OuterRef("provider__short_name"))))


def _bearing_fits(role: Role):
    """A program's fits bearing on `role` (its own, its wider role's, its narrower roles'), in
    the order `fit_for` prefers them: own, wider, narrower; strongest first; then by role."""
    reach = Case(
        When(role_id=role.pk, then=Value(Reach.OWN)),
        When(role_id=role.parent_id, then=Value(Reach.WIDER)),
        default=Value(Reach.NARROWER),
        output_field=IntegerField(),
    )
    return (
        RoleFit.objects.filter(
            Q(role_id=role.pk) | Q(role_id=role.parent_id) | Q(role__parent_id=role.pk),
            program=OuterRef("pk"),
        )
        .annotate(reach=reach)
        .order_by("reach", "-strength", "role_id")
    )


def _role_annotations(role: Role) -> tuple[dict, list]:
    """The chosen fit's reach, strength and module price (as `fit_for` chooses), and the ORDER
    BY terms of `rank_key`'s role part: named first, whole role before part, strongest, own."""
    chosen = _bearing_fits(role)
    annotations = {
        "fit_reach": Subquery(chosen.values("reach")[:1]),
        "fit_strength": Subquery(chosen.values("strength")[:1]),
        "fit_module": Subquery(chosen.values("module_id")[:1]),
        "fit_module_price": Subquery(chosen.values("module__price_amount")[:1]),
    }
    order = [
        Case(When(fit_reach__isnull=True, then=1), default=0),  # named for the role at all
        Case(When(fit_reach=Reach.NARROWER, then=1), default=0),  # for all of it, not a part
        F("fit_strength").desc(nulls_last=True),
        "fit_reach",
    ]
    return annotations, order


def shortlist(queryset, needs: Needs, limit: int = SHORTLIST) -> tuple[list[Program], int]:
    """The `limit` programs `rank` would put first, chosen by the database in one query, and
    how many were considered: the finder's work stays the same at any catalogue size."""
    one = Value(1, output_field=IntegerField())
    zero = Value(0, output_field=IntegerField())
    annotations: dict = {}
    order: list = []
    if needs.role:
        annotations, order = _role_annotations(needs.role)
        annotations["role_cost"] = Case(
            When(fit_module__isnull=False, then=F("fit_module_price")),
            default=F("total_cost_value"),
        )
    cost = F("role_cost") if needs.role else F("total_cost_value")
    not_met: list = [zero]
    unknown: list = [zero]
    low_end: list = [zero]

    def count(met: Q, unknown_when: Q, unsettled: Q | None, low: Q | None = None) -> None:
        settled = ~unsettled if unsettled is not None else Q()
        missed = ~met & ~unknown_when & settled
        if low is not None:
            missed &= ~low
            low_end.append(Case(When(low & settled & ~met, then=one), default=zero))
        not_met.append(Case(When(missed, then=one), default=zero))
        unsure = (
            unknown_when | (~unknown_when & unsettled) if unsettled is not None else unknown_when
        )
        unknown.append(Case(When(unsure, then=one), default=zero))

    if needs.budget is not None:
        annotations["judged_cost"] = cost
        count(
            Q(judged_cost__lte=needs.budget),
            Q(judged_cost__isnull=True),
            # The program's price citations settle a module's price too; with no price of its
            # own (`facts_for` then cites nothing), a module's price is judged as it stands.
            _unsettled_condition(("price", "course_count")) & Q(total_cost_value__isnull=False),
        )
    if needs.weekly_hours is not None:
        low, high = limits.HOURS_LOW, limits.HOURS_HIGH
        count(
            Q(**{f"{high}__lte": needs.weekly_hours}),
            Q(weekly_hours_value__isnull=True),
            _unsettled_condition(("weekly_hours",)),
            low=Q(**{f"{low}__lte": needs.weekly_hours}),
        )
        annotations |= limits.hours_annotations()
    if needs.cme:
        count(Q(cme_credit=True), Q(cme_credit__isnull=True), _unsettled_condition(("cme_credit",)))
    if needs.assessed:
        count(
            Q(assessment_type__in=Program.ASSESSMENT_INCLUDES["assessment_based"]),
            Q(assessment_type__isnull=True),
            _unsettled_condition(("assessment_type",)),
        )
    if needs.portable:
        count(
            Q(framework__isnull=False) & ~Q(framework=Program.Framework.INSTITUTION_SPECIFIC),
            Q(framework__isnull=True),
            _unsettled_condition(("framework",)),
        )
    if needs.pace:
        count(Q(format=needs.pace), Q(format__isnull=True), _unsettled_condition(("format",)))
    programs = list(
        queryset.annotate(**annotations)
        .annotate(
            not_met=sum(not_met[1:], not_met[0]),
            unknown=sum(unknown[1:], unknown[0]),
            low_end=sum(low_end[1:], low_end[0]),
            considered=Window(Count("pk")),
        )
        .order_by(
            *order,
            "not_met",
            "unknown",
            "low_end",
            cost.asc(nulls_last=True),
            "name",
            "pk",
        )[:limit]
    )
    return programs, programs[0].considered if programs else 0

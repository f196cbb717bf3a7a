"""The fit finder: every program ranked against a reader's needs, each judgement explained.

Plain Python over programs loaded with `Program.objects.for_detail()`: one line per criterion,
met, not met or unknown, with the citations behind it. Unknown is never read as met or unmet;
a near miss names its gap ("$990 over budget").
"""

from collections.abc import Callable
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
    Value,
    When,
    Window,
)

from programs import display
from programs.browse import NEAR_MISS_SHARE
from programs.facts import Fact, facts_for
from programs.models import Citation, Program, Role, RoleFit


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_PUBLISHED = "unknown"  # the fact the need asks about is not published


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
    """For a near miss: how far over the reader's limit, e.g. '$990 over budget'."""


@dataclass
class Match:
    program: Program
    judgements: list[Judgement]
    price_per_hour: str | None = None
    weeks_at_your_pace: str | None = None

    def _count(self, verdict: Verdict) -> int:
        return sum(1 for j in self.judgements if j.verdict == verdict)

    @property
    def met(self) -> int:
        return self._count(Verdict.MET)

    @property
    def not_met(self) -> int:
        return self._count(Verdict.NOT_MET)

    @property
    def unknown(self) -> int:
        return self._count(Verdict.NOT_PUBLISHED)

    @property
    def near_misses(self) -> list[str]:
        return [j.gap for j in self.judgements if j.gap]


def _judge_role(program: Program, needs: Needs, families: dict[str, set[str]]) -> Judgement:
    role = needs.role
    family = families.get(role.slug, {role.slug})
    fits = [fit for fit in program.role_fits.all() if fit.role.slug in family]
    if not fits:
        return Judgement(
            f"Suits {role.name.lower()}",
            Verdict.NOT_MET,
            f"The sources do not recommend it for {role.name.lower()}.",
        )
    fit = next((f for f in fits if f.role_id == role.pk), fits[0])
    whom = "" if fit.role_id == role.pk else f" (recommended for {fit.role.name.lower()})"
    return Judgement(
        f"Suits {role.name.lower()}",
        Verdict.MET,
        f"{fit.get_fit_display()}{whom}: “{fit.rationale}”",
        qualifier=f"in the view of {fit.source.short_name}",
    )


def _limit(
    criterion: str,
    fact: Fact,
    value: Decimal | None,
    limit: Decimal,
    *,
    unknown: str,
    over: Callable[[Decimal], str],
    shown: str,
) -> Judgement:
    if value is None:
        return Judgement(criterion, Verdict.NOT_PUBLISHED, unknown)
    if value <= limit:
        return Judgement(
            criterion, Verdict.MET, f"{shown}: within your limit.", fact.citations, fact.qualifier
        )
    gap = over(value - limit)
    near = value - limit <= limit * NEAR_MISS_SHARE
    return Judgement(
        criterion,
        Verdict.NOT_MET,
        f"{shown}: {gap}.",
        fact.citations,
        fact.qualifier,
        gap=gap if near else None,
    )


def _yes_no(
    criterion: str, fact: Fact, value: bool | None, *, yes: str, no: str, unknown: str
) -> Judgement:
    if value is None:
        return Judgement(criterion, Verdict.NOT_PUBLISHED, unknown)
    verdict = Verdict.MET if value else Verdict.NOT_MET
    return Judgement(criterion, verdict, yes if value else no, fact.citations, fact.qualifier)


def judge(program: Program, needs: Needs, families: dict[str, set[str]]) -> Match:
    """Every criterion the reader asked about, for one program."""
    facts = {fact.key: fact for fact in facts_for(program)}
    judgements = []
    if needs.role:
        judgements.append(_judge_role(program, needs, families))
    if needs.budget is not None:
        judgements.append(
            _limit(
                "Within your budget",
                facts["total_cost"],
                program.total_cost,
                needs.budget,
                unknown="Cost not published — ask the provider.",
                over=lambda gap: f"{display.money(gap, program.price_currency)} over budget",
                shown=f"Costs {display.total_cost(program)}",
            )
        )
    if needs.weekly_hours is not None:
        judgements.append(
            _limit(
                "Fits your weekly hours",
                facts["weekly_hours"],
                program.most_weekly_hours,
                needs.weekly_hours,
                unknown="Weekly hours not published — ask the provider.",
                over=lambda gap: (
                    f"{display.number(gap)} hour{'' if gap == 1 else 's'} a week more than you have"
                ),
                shown=f"Needs {display.weekly_hours(program)}",
            )
        )
    if needs.cme:
        judgements.append(
            _yes_no(
                "Gives CME credit",
                facts["cme_credit"],
                program.cme_credit,
                yes="Carries CME credit.",
                no="No CME credit.",
                unknown="CME credit not published — ask the provider.",
            )
        )
    if needs.assessed:
        assessed = (
            None
            if program.assessment_type is None
            else program.assessment_type in Program.ASSESSMENT_INCLUDES["assessment_based"]
        )
        judgements.append(
            _yes_no(
                "Assessed, not only completed",
                facts["assessment_type"],
                assessed,
                yes=f"{program.get_assessment_type_display()}.",
                no=f"{program.get_assessment_type_display() if program.assessment_type else ''}: "
                "no assessment of what you learned.",
                unknown="How it is assessed is not published — ask the provider.",
            )
        )
    if needs.portable:
        portable = (
            None
            if program.framework is None
            else program.framework != Program.Framework.INSTITUTION_SPECIFIC
        )
        judgements.append(
            _yes_no(
                "Recognised beyond one institution",
                facts["framework"],
                portable,
                yes=f"Aligned with an external framework: {facts['framework'].value}.",
                no="Uses an institution-specific framework, which can limit portability.",
                unknown="Framework alignment not published — ask the provider.",
            )
        )
    if needs.pace:
        pace = None if program.format is None else program.format == needs.pace
        wanted = Program.Format(needs.pace).label.lower()
        judgements.append(
            _yes_no(
                f"{Program.Format(needs.pace).label}",
                facts["format"],
                pace,
                yes=f"{facts['format'].value}.",
                no=f"{facts['format'].value}, not {wanted}.",
                unknown="Format not published — ask the provider.",
            )
        )
    return Match(
        program=program,
        judgements=judgements,
        price_per_hour=display.price_per_hour(program),
        weeks_at_your_pace=display.weeks_at_pace(program, needs.weekly_hours),
    )


SHORTLIST = 25
"""The most programs the finder judges and shows: the best fits, whatever the catalogue's size."""


def _verdict_conditions(needs: Needs, families: dict[str, set[str]]) -> list[tuple[Q, Q | None]]:
    """(met, unknown) as database conditions for each criterion asked: the same verdicts
    `judge` gives, so the database can pick the shortlist `rank` would put first."""
    conditions: list[tuple[Q, Q | None]] = []
    if needs.role:
        family = families.get(needs.role.slug, {needs.role.slug})
        fits = RoleFit.objects.filter(program=OuterRef("pk"), role__slug__in=family)
        conditions.append((Q(Exists(fits)), None))
    if needs.budget is not None:
        conditions.append((Q(total_cost_value__lte=needs.budget), Q(total_cost_value__isnull=True)))
    if needs.weekly_hours is not None:
        conditions.append(
            (Q(weekly_hours_max__lte=needs.weekly_hours), Q(weekly_hours_max__isnull=True))
        )
    if needs.cme:
        conditions.append((Q(cme_credit=True), Q(cme_credit__isnull=True)))
    if needs.assessed:
        conditions.append(
            (
                Q(assessment_type__in=Program.ASSESSMENT_INCLUDES["assessment_based"]),
                Q(assessment_type__isnull=True),
            )
        )
    if needs.portable:
        conditions.append(
            (
                Q(framework__isnull=False) & ~Q(framework=Program.Framework.INSTITUTION_SPECIFIC),
                Q(framework__isnull=True),
            )
        )
    if needs.pace:
        conditions.append((Q(format=needs.pace), Q(format__isnull=True)))
    return conditions


def shortlist(
    queryset, needs: Needs, families: dict[str, set[str]], limit: int = SHORTLIST
) -> tuple[list[Program], int]:
    """The `limit` programs `rank` would put first, chosen by the database in one query, and
    how many programs were considered: the finder's work stays the same at any catalogue
    size."""
    one = Value(1, output_field=IntegerField())
    zero = Value(0, output_field=IntegerField())
    not_met: list = [zero]
    unknown: list = [zero]
    for met, unknown_when in _verdict_conditions(needs, families):
        missed = ~met if unknown_when is None else ~met & ~unknown_when
        not_met.append(Case(When(missed, then=one), default=zero))
        if unknown_when is not None:
            unknown.append(Case(When(unknown_when, then=one), default=zero))
    programs = list(
        queryset.annotate(
            not_met=sum(not_met[1:], not_met[0]),
            unknown=sum(unknown[1:], unknown[0]),
            considered=Window(Count("pk")),
        ).order_by(
            "not_met",
            "unknown",
            F("total_cost_value").asc(nulls_last=True),
            "name",
            "pk",
        )[:limit]
    )
    return programs, programs[0].considered if programs else 0


def rank(programs: list[Program], needs: Needs, families: dict[str, set[str]]) -> list[Match]:
    """Every program, best fit first: fewest criteria missed, then fewest unknown, then cost."""
    matches = [judge(program, needs, families) for program in programs]
    return sorted(
        matches,
        key=lambda m: (
            m.not_met,
            m.unknown,
            m.program.total_cost is None,
            m.program.total_cost or 0,
            m.program.name,
        ),
    )

"""The fit finder ranks every seeded program and explains each judgement (no HTTP here)."""

from decimal import Decimal

import pytest

from compare.finder import Needs, Verdict, rank
from programs.models import Program, Role
from tests.seed import ABAIM, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db


def _rank(**needs):
    role = needs.pop("role", None)
    if role:
        needs["role"] = Role.objects.get(slug=role)
    programs = list(Program.objects.for_detail())
    return rank(programs, Needs(**needs), Role.objects.families())


def _line(match, criterion_start: str):
    return next(j for j in match.judgements if j.criterion.startswith(criterion_start))


def test_a_nurse_leader_with_2000_sees_iabac_first_and_hopkins_as_990_over(catalog):
    matches = _rank(role="nursing-leaders", budget=Decimal(2000))
    assert [m.program.slug for m in matches][0] == IABAC
    iabac = matches[0]
    assert _line(iabac, "Suits").verdict == Verdict.MET
    cost = _line(iabac, "Within your budget")
    assert (
        cost.verdict == Verdict.NOT_PUBLISHED
        and cost.text == "Cost not published — ask the provider."
    )
    jhu = next(m for m in matches if m.program.slug == JHU)
    assert _line(jhu, "Within your budget").gap == "$990 over budget"
    harvard = next(m for m in matches if m.program.slug == HARVARD)
    assert _line(harvard, "Within your budget").gap is None  # $2,800 over is no near miss
    assert len(matches) == Program.objects.count()


def test_a_physician_needing_cme_gets_stanford_first(catalog):
    matches = _rank(role="physicians", cme=True)
    assert matches[0].program.slug == STANFORD
    suits = _line(matches[0], "Suits")
    assert suits.verdict == Verdict.MET and "recommended for clinicians" in suits.text
    assert _line(matches[0], "Gives CME").citations
    abaim = next(m for m in matches if m.program.slug == ABAIM)
    assert _line(abaim, "Gives CME").verdict == Verdict.NOT_PUBLISHED


def test_assessed_and_portable_judgements_keep_who_says_so(catalog):
    matches = _rank(assessed=True, portable=True)
    iabac = next(m for m in matches if m.program.slug == IABAC)
    assert _line(iabac, "Assessed").verdict == Verdict.MET
    portable = _line(iabac, "Recognised")
    assert portable.verdict == Verdict.MET and portable.qualifier == "according to IABAC"
    harvard = next(m for m in matches if m.program.slug == HARVARD)
    hedge = _line(harvard, "Recognised")
    assert hedge.verdict == Verdict.NOT_MET and "typically" in hedge.qualifier
    stanford = next(m for m in matches if m.program.slug == STANFORD)
    assert _line(stanford, "Assessed").verdict == Verdict.NOT_MET


def test_weekly_hours_and_derived_figures(catalog):
    matches = _rank(weekly_hours=Decimal(4))
    harvard = next(m for m in matches if m.program.slug == HARVARD)
    hours = _line(harvard, "Fits your weekly hours")
    assert hours.verdict == Verdict.NOT_MET and hours.gap == "1 hour a week more than you have"
    assert harvard.price_per_hour == "about $64–80 per study hour"
    assert harvard.weeks_at_your_pace == "about 15–19 weeks at 4 hours a week"
    jhu = next(m for m in matches if m.program.slug == JHU)
    assert _line(jhu, "Fits").verdict == Verdict.NOT_PUBLISHED
    assert jhu.price_per_hour is None and jhu.weeks_at_your_pace is None


def test_format_preference(catalog):
    matches = _rank(pace="self_paced")
    assert matches[0].program.slug == IABAC
    harvard = next(m for m in matches if m.program.slug == HARVARD)
    assert _line(harvard, "Self-paced").verdict == Verdict.NOT_MET


def test_ranking_puts_fewest_misses_first_then_fewest_unknowns(catalog):
    matches = _rank(role="clinicians", budget=Decimal(3000), cme=True)
    keys = [(m.not_met, m.unknown) for m in matches]
    assert keys == sorted(keys)
    # Both miss nothing and lack one fact; the one with a published cost comes first.
    assert [m.program.slug for m in matches[:2]] == [JHU, STANFORD]

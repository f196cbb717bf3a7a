"""The team plan over the seed catalogue (issue #23): the administrator's team of 3 nursing
leaders, 2 informatics staff and 1 operations manager, with $15,000 and 12 weeks."""

from decimal import Decimal

import pytest

from compare.plans import RowAsk, Verdict, build_plan
from programs.models import Role
from tests.seed import CEDARS, HARVARD, IABAC

pytestmark = pytest.mark.django_db


def _plan(rows, **settings):
    roles = list(Role.objects.all())
    by_slug = {role.slug: role for role in roles}
    asks = [RowAsk(by_slug[slug], people, choice) for slug, people, choice in rows]
    return build_plan(asks, roles=roles, **settings)


ADMINISTRATORS_TEAM = [
    ("nursing-leaders", 3, None),
    ("clinical-informatics", 2, None),
    ("operations-managers", 1, None),
]


def test_the_administrators_team_by_default_names_every_unknown(catalog):
    """The strongest the guide names: for nursing leaders only IABAC's audience line ('The
    target audience is deliberately broad', no recommendation); 'a practical option' for
    informatics; 'a direct match' for operations managers. IABAC publishes no price or length."""
    plan = _plan(ADMINISTRATORS_TEAM, budget=Decimal(15000), deadline=12)
    nursing, informatics, operations = plan.rows
    assert [row.part.program.slug for row in plan.rows] == [IABAC, IABAC, IABAC]
    assert all(row.by_default for row in plan.rows)
    assert nursing.chosen.fit.grade == "The target audience is deliberately broad"
    assert not nursing.chosen.fit.is_recommendation
    assert informatics.chosen.fit.grade == "a practical option"
    assert operations.chosen.fit.grade == "a direct match"
    assert [o.program.slug for o in informatics.options][:2] == [IABAC, CEDARS]
    assert informatics.options[2].fit.grade == "Pairing it with"
    assert plan.cost.text == "IABAC (6 seats): not published"
    assert plan.budget_text.startswith("No price in this plan is published")
    assert "IABAC (6 seats)" in plan.budget_text
    assert all(row.finish.verdict == Verdict.UNKNOWN for row in plan.rows)
    assert "whether they finish in 12 weeks cannot be said" in nursing.finish.text
    (part, seats, questions) = plan.questions[0]
    assert seats == 6
    assert any("group or volume pricing for 6 people" in q for q in questions)
    assert any("The sources publish no group pricing" in q for q in questions)
    # Clinician roles are asked about CME; these roles are not.
    assert [key for key, _, _ in nursing.coverage] == ["built", "assessed", "recognised"]


def test_choosing_cedars_and_harvards_module_against_the_budget_and_deadline(catalog):
    """Cedars-Sinai 'runs 12 weeks' (price not published, format not said); Harvard's
    innovation module runs 'approximately five weeks' at 'roughly $1,600'."""
    plan = _plan(
        [
            ("clinical-informatics", 2, CEDARS),
            ("hospital-administrators", 1, f"{HARVARD}:2"),
            ("clinicians", 2, HARVARD),
        ],
        budget=Decimal(15000),
        deadline=12,
        hours=Decimal(3),
    )
    cedars, module, clinicians = plan.rows
    assert cedars.finish.verdict == Verdict.FINISHES
    assert cedars.finish.text == "Takes 12 weeks: within your 12 weeks."
    assert cedars.finish.start == "Whether it has fixed start dates is not published."
    assert (module.seat.text, module.total.text) == ("about $1,600", "about $1,600")
    # 'four to five hours per week' is more than the 3 hours each person has.
    assert module.finish.verdict == Verdict.SHORT_OF_HOURS
    assert (clinicians.seat.text, clinicians.total.text) == ("about $4,800", "about $9,600")
    assert clinicians.total.derived_from == "Derived: 2 × about $4,800"
    assert [key for key, _, _ in clinicians.coverage][-1] == "cme"
    assert plan.cost.text == "about $11,200 + Cedars-Sinai (2 seats): not published"
    assert plan.budget_text == (
        "The published prices come to about $11,200 of your $15,000 budget: about $3,800 left "
        "before the unpublished prices. The price of Cedars-Sinai (2 seats) is not published."
    )


def test_a_cohort_past_the_deadline_says_by_how_much(catalog):
    plan = _plan([("clinicians", 1, HARVARD)], deadline=12, budget=Decimal(4000))
    (row,) = plan.rows
    assert row.finish.verdict == Verdict.LATE
    assert "about 3 weeks past your 12-week deadline" in row.finish.text
    assert row.finish.start.startswith("Fixed start dates, not published")
    assert plan.budget_text == (
        "The published prices come to about $4,800: about $800 over your $4,000 budget."
    )

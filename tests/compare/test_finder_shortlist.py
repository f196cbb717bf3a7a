"""The finder's database shortlist picks exactly the programs `rank` would put first (issue #11),
so the finder judges a bounded number of programs at any catalogue size and shows the same
best fits as ranking the whole catalogue would."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from compare.finder import Needs, rank, rank_key, shortlist
from programs.models import Citation, Program, RoleFit
from tests.factories import (
    CitationFactory,
    ModuleFactory,
    ProgramFactory,
    RoleFactory,
    RoleFitFactory,
)
from tests.profiles import examples

pytestmark = pytest.mark.django_db

maybe = st.one_of(st.none(), st.booleans())
choice = lambda enum: st.one_of(st.none(), st.sampled_from(enum.values))  # noqa: E731

program_facts = st.fixed_dictionaries(
    {
        "price_amount": st.one_of(st.none(), st.sampled_from([Decimal(500), Decimal(2000)])),
        "cme_credit": maybe,
        "assessment_type": choice(Program.AssessmentType),
        "framework": choice(Program.Framework),
        "format": choice(Program.Format),
        "weekly_hours_min": st.one_of(st.none(), st.sampled_from([Decimal(2), Decimal(4)])),
        "weekly_hours_max": st.one_of(
            st.none(), st.sampled_from([Decimal(2), Decimal(4), Decimal(8)])
        ),
        # Fits for a role, its narrower role and another, each with a strength; some name one
        # module (priced or not) rather than the whole program.
        "fits": st.dictionaries(
            st.sampled_from(["parent", "child", "other"]),
            st.tuples(
                st.sampled_from(RoleFit.Strength.values), st.sampled_from([None, 100, "unpriced"])
            ),
            max_size=2,
        ),
        # Claims: the price or the framework cited only from the provider's own description.
        "claimed": st.sets(st.sampled_from(["price", "framework"]), max_size=1),
    }
)
needs_strategy = st.fixed_dictionaries(
    {
        "role": st.one_of(st.none(), st.sampled_from(["parent", "child", "other"])),
        "budget": st.one_of(
            st.none(), st.sampled_from([Decimal(400), Decimal(500), Decimal(1000)])
        ),
        "weekly_hours": st.one_of(st.none(), st.just(Decimal(4))),
        "cme": st.booleans(),
        "assessed": st.booleans(),
        "portable": st.booleans(),
        "pace": choice(Program.Format),
    }
)


def _key(match):
    return rank_key(match)[:-2]  # all but name and id


class ShortlistProperty(TestCase):
    @settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
    @given(programs=st.lists(program_facts, min_size=1, max_size=7), wanted=needs_strategy)
    def test_the_shortlist_is_the_head_of_the_full_ranking(self, programs, wanted):
        parent = RoleFactory(slug="parent")
        roles = {
            "parent": parent,
            "child": RoleFactory(slug="child", parent=parent),
            "other": RoleFactory(slug="other"),
        }
        for facts in programs:
            if facts["weekly_hours_min"] and facts["weekly_hours_max"]:
                # A range: the fewest is never above the most (a minimum alone is kept).
                facts["weekly_hours_min"], facts["weekly_hours_max"] = sorted(
                    (facts["weekly_hours_min"], facts["weekly_hours_max"])
                )
            fits = facts.pop("fits")
            claimed = facts.pop("claimed")
            priced = facts["price_amount"] is not None
            program = ProgramFactory(
                **facts,
                price_currency="USD" if priced else None,
                price_basis="program" if priced else None,
            )
            for field in claimed:
                CitationFactory(
                    program=program, field=field, standing=Citation.Standing.SELF_DESCRIBED
                )
            for slug, (strength, module) in fits.items():
                RoleFitFactory(
                    program=program,
                    role=roles[slug],
                    strength=strength,
                    module=None
                    if module is None
                    else ModuleFactory(
                        program=program,
                        price_amount=None if module == "unpriced" else Decimal(module),
                    ),
                )
        role = wanted.pop("role")
        needs = Needs(role=roles[role] if role else None, **wanted)
        everything = rank(list(Program.objects.for_detail()), needs)
        for limit in (1, 3):
            picked, considered = shortlist(Program.objects.for_detail(), needs, limit)
            ranked = rank(picked, needs)
            assert considered == len(programs)
            assert [_key(m) for m in ranked] == [_key(m) for m in everything[:limit]]
            assert [m.program.pk for m in ranked] == [m.program.pk for m in everything[:limit]]


def test_the_finder_page_says_how_many_it_ranked_of_a_large_catalogue(client, catalog):
    for _ in range(30):
        ProgramFactory()
    response = client.get("/finder/", {"role": "clinicians", "budget": "3000"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("li.finder-match")) == 25
    heading = " ".join(page.find(id="ranking").get_text().split())
    assert heading == "The sources name 5 programs for clinicians"
    named = page.select("ol.finder-list > li.finder-match")
    assert len(named) == 5
    unnamed = page.find("section", class_="finder-not-named").select("li.finder-match")
    assert len(unnamed) == 20
    page = BeautifulSoup(client.get("/finder/", {"budget": "3000"}).content, "html.parser")
    heading = " ".join(page.find(id="ranking").get_text().split())
    assert heading == "The best 25 of 36 programs, best fit first"
    # The seeded programs recommended for clinicians come before the synthetic ones.
    assert page.select("li.finder-match")[0]["id"] != "match-program-0"

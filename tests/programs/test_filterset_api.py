"""ProgramFilterSet through django-filter's own API: each filter applied alone (`Filter.filter`,
as django-filter's views and DRF's backend apply it) narrows exactly as /programs/ does with that
one parameter. The page itself combines conditions in `filter_queryset`; these are the
`method=` hooks every declared filter must keep working."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from programs.browse import browse
from programs.filters import ProgramFilterSet
from programs.models import Program
from tests.seed import ALL, HARVARD, JHU, STANFORD

pytestmark = pytest.mark.django_db


def _alone(name: str, value) -> set[str]:
    filterset = ProgramFilterSet(QueryDict())
    queryset = filterset.filters[name].filter(Program.objects.all(), value)
    return set(queryset.values_list("slug", flat=True))


def _page(query: str) -> set[str]:
    return {p.slug for p in browse(QueryDict(query)).page.object_list}


@pytest.mark.parametrize(
    ("name", "value", "query"),
    [
        ("q", "Stanford", "q=Stanford"),
        ("role", ["clinicians"], "role=clinicians"),
        ("cme", "yes", "cme=yes"),
        ("cme", "unknown", "cme=unknown"),
        ("format", ["cohort", "unknown"], "format=cohort&format=unknown"),
        pytest.param(
            "assessment",
            ["assessment_based"],
            "assessment=assessment_based",
        ),
        pytest.param(
            "provider_kind",
            ["specialty_board"],
            "provider_kind=specialty_board",
        ),
        pytest.param(
            "max_cost",
            Decimal(3000),
            "max_cost=3000",
        ),
    ],
)
def test_a_filter_applied_alone_finds_what_the_page_finds(catalog, name, value, query):
    assert _alone(name, value) == _page(query)
    assert _alone(name, value) != set(ALL)  # each of these narrows the seed catalogue


def test_a_budget_alone_keeps_programs_whose_cost_is_not_published(catalog):
    found = _alone("max_cost", Decimal(3000))
    assert JHU in found and STANFORD in found  # $2,990, and no published cost
    assert HARVARD not in found  # $4,800


def test_hiding_unpublished_alone_changes_nothing_until_a_limit_is_set(catalog):
    """It only acts together with a limit, in filter_queryset."""
    assert _alone("hide_unpublished", True) == set(ALL)
    assert _page("hide_unpublished=on") == set(ALL)
    assert STANFORD not in _page("max_cost=3000&hide_unpublished=on")


def test_an_empty_value_leaves_the_catalogue_whole(catalog):
    assert _alone("q", "") == set(ALL)
    assert _alone("q", "   ") == set(ALL)

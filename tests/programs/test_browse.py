"""The catalogue's filters, called as plain Python (programs.browse) without HTTP."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from programs.browse import browse
from tests.factories import ProgramFactory, RoleFactory, RoleFitFactory

pytestmark = pytest.mark.django_db


def _slugs(result, group=None):
    programs = result.page.object_list
    if group is not None:
        programs = [p for p in programs if p.unpublished == group]
    return [p.slug for p in programs]


def _browse(query):
    return browse(QueryDict(query))


def test_clinician_with_3000_sees_johns_hopkins_and_unpriced_programs_apart(catalog):
    result = _browse("role=clinicians&max_cost=3000")
    assert _slugs(result, group=0) == ["johns-hopkins-ai-in-healthcare"]
    # ABAIM is for physicians, who are clinicians: it is listed, its cost unpublished.
    assert set(_slugs(result, group=1)) == {
        "iabac-ai-in-healthcare",
        "stanford-ai-in-healthcare",
        "abaim-ai-in-medicine-certification",
    }
    assert "harvard-ai-in-health-care" not in _slugs(result)
    assert (result.matched, result.unpublished, result.total) == (1, 3, 6)


def test_budget_keeps_unpublished_cost_programs_in_their_own_group_after_the_matches(catalog):
    result = _browse("max_cost=5000")
    groups = [p.unpublished for p in result.page.object_list]
    assert groups == sorted(groups)
    assert _slugs(result, group=0) == [
        "harvard-ai-in-health-care",
        "johns-hopkins-ai-in-healthcare",
    ]
    for program in result.page.object_list:
        assert program.unpublished_limits == ([] if program.unpublished == 0 else ["cost"])


def test_hiding_the_unpublished_group(catalog):
    result = _browse("role=clinicians&max_cost=3000&hide_unpublished=on")
    assert _slugs(result) == ["johns-hopkins-ai-in-healthcare"]
    assert result.unpublished == 0


def test_known_cost_over_budget_is_not_shown(catalog):
    assert "harvard-ai-in-health-care" not in _slugs(_browse("max_cost=4799"))
    assert "harvard-ai-in-health-care" in _slugs(_browse("max_cost=4800"))


def test_several_roles_widen_the_list(catalog):
    one = set(_slugs(_browse("role=nursing-leaders")))
    both = set(_slugs(_browse("role=nursing-leaders&role=healthcare-leaders")))
    assert one == {"iabac-ai-in-healthcare"}
    assert both == {"iabac-ai-in-healthcare", "harvard-ai-in-health-care"}


def test_physicians_see_the_programs_for_clinicians_too(catalog):
    """Physicians are clinicians: the guide's 'For clinicians and physicians' section."""
    physicians = set(_slugs(_browse("role=physicians")))
    assert physicians == {
        "abaim-ai-in-medicine-certification",
        "stanford-ai-in-healthcare",
        "harvard-ai-in-health-care",
        "johns-hopkins-ai-in-healthcare",
        "iabac-ai-in-healthcare",
    }
    assert _slugs(_browse("role=physicians&cme=yes")) == ["stanford-ai-in-healthcare"]


def test_assessment_based_includes_proctored_exams(catalog):
    assessed = set(_slugs(_browse("assessment=assessment_based")))
    assert assessed == {"iabac-ai-in-healthcare", "abaim-ai-in-medicine-certification"}
    assert _slugs(_browse("assessment=proctored_exam")) == ["iabac-ai-in-healthcare"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cme=yes", {"stanford-ai-in-healthcare"}),
        ("cme=no", set()),
        ("assessment=completion_based", {"stanford-ai-in-healthcare"}),
        (
            "assessment=proctored_exam&assessment=assessment_based",
            {"iabac-ai-in-healthcare", "abaim-ai-in-medicine-certification"},
        ),
        (
            "assessment=unknown",
            {
                "harvard-ai-in-health-care",
                "johns-hopkins-ai-in-healthcare",
                "cedars-sinai-applied-ai-health-systems",
            },
        ),
        ("format=cohort", {"harvard-ai-in-health-care", "johns-hopkins-ai-in-healthcare"}),
        (
            "format=unknown",
            {
                "cedars-sinai-applied-ai-health-systems",
                "stanford-ai-in-healthcare",
                "abaim-ai-in-medicine-certification",
            },
        ),
        ("framework=edison", {"iabac-ai-in-healthcare"}),
        (
            "framework=institution_specific",
            {"harvard-ai-in-health-care", "johns-hopkins-ai-in-healthcare"},
        ),
        ("provider_kind=specialty_board", {"abaim-ai-in-medicine-certification"}),
        ("provider_kind=university&cme=yes", {"stanford-ai-in-healthcare"}),
        ("q=coursera", {"stanford-ai-in-healthcare"}),
        ("q=zzzz", set()),
        # Stanford by name, and the programs whose source sentences name Stanford (issue #21).
        (
            "q=Stanford",
            {
                "stanford-ai-in-healthcare",
                "harvard-ai-in-health-care",
                "johns-hopkins-ai-in-healthcare",
                "iabac-ai-in-healthcare",
            },
        ),
        ("q=predictive", {"iabac-ai-in-healthcare"}),
        ("max_weeks=10&hide_unpublished=on", {"johns-hopkins-ai-in-healthcare"}),
        ("max_hours=4&hide_unpublished=on", set()),
        ("max_hours=5&hide_unpublished=on", {"harvard-ai-in-health-care"}),
    ],
)
def test_each_filter(catalog, query, expected):
    assert set(_slugs(_browse(query))) == expected


def test_text_search_matches_words_in_the_summary(catalog):
    """PostgreSQL's full-text search may find more (word stems, any order); never fewer."""
    assert "cedars-sinai-applied-ai-health-systems" in _slugs(_browse("q=clinical+data"))


def test_cme_unknown_finds_programs_whose_sources_are_silent(catalog):
    slugs = set(_slugs(_browse("cme=unknown")))
    assert "stanford-ai-in-healthcare" not in slugs
    assert len(slugs) == 5


def test_sort_by_cost_puts_unpublished_costs_last_both_ways(catalog):
    ascending = _slugs(_browse("sort=cost"))
    descending = _slugs(_browse("sort=-cost"))
    assert ascending[:2] == ["johns-hopkins-ai-in-healthcare", "harvard-ai-in-health-care"]
    assert descending[:2] == ["harvard-ai-in-health-care", "johns-hopkins-ai-in-healthcare"]


def test_sort_by_weeks_uses_module_totals(catalog):
    assert _slugs(_browse("sort=weeks"))[:3] == [
        "johns-hopkins-ai-in-healthcare",
        "cedars-sinai-applied-ai-health-systems",
        "harvard-ai-in-health-care",
    ]


def test_facet_counts_follow_the_other_filters(catalog):
    result = _browse("role=clinicians&max_cost=3000")
    facets = {f.name: {o.value: o for o in f.options} for f in result.facets}
    assert facets["assessment"]["completion_based"].count == 1
    # IABAC's proctored exam and ABAIM's exam are both assessments.
    assert facets["assessment"]["assessment_based"].count == 2
    assert facets["assessment"]["proctored_exam"].count == 1
    assert facets["framework"]["edison"].count == 1
    assert facets["cme"]["unknown"].count == 3
    # The role facet ignores the role filter itself, so other roles can be added; physicians
    # count every program for clinicians under the budget.
    assert facets["role"]["physicians"].count == 4
    assert facets["role"]["nursing-leaders"].count == 1
    assert facets["role"]["clinicians"].selected and not facets["role"]["clinicians"].disabled


def test_chips_remove_one_value_and_go_back_to_page_one(catalog):
    result = _browse("role=clinicians&role=physicians&max_cost=3000&page=2")
    urls = {chip.label: chip.url for chip in result.chips}
    assert urls["Role: Clinicians"] == "/programs/?role=physicians&max_cost=3000"
    assert urls["Budget: up to $3,000"] == "/programs/?role=clinicians&role=physicians"


def test_empty_result_names_the_filters_to_relax(catalog):
    result = _browse("cme=no&provider_kind=specialty_board")
    assert result.count == 0
    labels = {r.label: r.count for r in result.relaxations}
    # Every active filter is offered, even one whose removal alone brings nothing back.
    assert labels == {"CME credit: No": 1, "Provider: Specialty board": 0}


@pytest.mark.parametrize(
    "query",
    [
        "max_cost=abc",
        "max_cost=-5",
        "max_cost=1e309",
        "max_cost=NaN",
        "max_cost=Infinity",
        "max_hours=99999999999999999999",
        "q=%00",
        "q=" + "x" * 10_000,
        "role=no-such-role",
        "sort=price",
        "cme=maybe",
        "assessment=%00",
        "role=%00",
        "page=999",
        "page=-1",
        "page=abc",
    ],
)
def test_bad_values_are_reported_and_ignored(catalog, query):
    result = _browse(query)
    assert result.count == 6
    if not query.startswith("page"):
        assert result.form.errors


def test_pages_hold_25_programs(db):
    for _ in range(30):
        ProgramFactory()
    first, second = _browse(""), _browse("page=2")
    assert len(first.page.object_list) == 25
    assert len(second.page.object_list) == 5
    assert first.count == 30


def test_unpriced_programs_follow_priced_ones_across_pages(db):
    for i in range(27):
        ProgramFactory(priced=True, price_amount=Decimal(100 + i))
    for _ in range(3):
        ProgramFactory()
    role = RoleFactory()
    for program in ProgramFactory._meta.model.objects.all():
        RoleFitFactory(program=program, role=role)
    second = _browse(f"max_cost=100000&role={role.slug}&page=2")
    assert [p.unpublished for p in second.page.object_list] == [0, 0, 1, 1, 1]

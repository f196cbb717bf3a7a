from urllib.parse import parse_qsl

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.filters import ProgramFilterSet
from programs.models import Role
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory, RoleFitFactory
from tests.profiles import examples
from tests.seed import GUIDE_SENTENCE

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6
"""Catalogue version (with the footer), role choices, the page of programs, their modules and
their cohorts, and one aggregate query for the catalogue total, the result counts and every
facet count: the same at 6 programs and at 500. A limit adds the near-miss query (their
modules load with the page's)."""

FILTERED = (
    "?role=clinicians&max_cost=3000&assessment=unknown&assessment=completion_based&cme=unknown"
)


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ("", LIST_QUERIES),
        # A role asked also reads the page's one-module fits, to say so on their cards.
        (FILTERED, LIST_QUERIES + 2),
        # A search also reads the page's citations and role fits, to show matching sentences.
        ("?q=ai&sort=-cost&max_weeks=20", LIST_QUERIES + 3),
        ("?role=clinicians&max_cost=2000", LIST_QUERIES + 2),
    ],
)
def test_list_query_count_is_flat_from_6_to_500_programs(
    client, catalog, query, queries, django_assert_num_queries
):
    """Facets and results are aggregated in SQL: adding programs must not add queries.
    A limit adds the near-miss query."""
    with django_assert_num_queries(queries):
        small = client.get(reverse("programs:list") + query)
    grow(500)
    with django_assert_num_queries(queries):
        large = client.get(reverse("programs:list") + query)
    assert small.status_code == large.status_code == 200
    assert "of 500 programs" in large.content.decode()


def test_list_page_shows_count_groups_chips_and_facets(client, catalog):
    html = client.get(reverse("programs:list") + "?role=clinicians&max_cost=3000").content.decode()
    assert "4 of 6 programs" in html
    assert "Cost not published — check with the provider" in html
    page = BeautifulSoup(html, "html.parser")
    chips = page.select("ul.chips a.chip")
    assert [" ".join(c.get_text(" ", strip=True).split()[2:-1]) for c in chips[:-1]] == [
        "Role: Clinicians",
        "Budget: up to $3,000",
    ]
    assert chips[-1].get_text(strip=True) == "Clear all" and chips[-1]["href"] == "/programs/"
    assert 'value="3000"' in html
    assert 'value="clinicians" checked' in html
    assert 'Completion-based <span class="filters__count">(1)</span>' in html
    # Options that would leave nothing under the other filters are greyed out, in place.
    disabled = {(i["name"], i["value"]) for i in page.select("#filter-form input[disabled]")}
    assert disabled == {
        ("role", "healthcare-leaders"),
        ("cme", "no"),
        ("format", "exam_only"),
        ("provider_kind", "health_system"),
        ("provider_kind", "other"),
    }
    assert "Assessed certification" in html and "Certificate of completion" in html


def test_pagination_links_keep_every_filter(client, db):
    for _ in range(30):
        ProgramFactory(assessment_type="completion_based")
    html = client.get(
        reverse("programs:list") + "?assessment=completion_based&assessment=unknown&q=program"
    ).content.decode()
    assert "assessment=completion_based&amp;assessment=unknown&amp;q=program&amp;page=2" in html


def test_empty_state_names_a_filter_to_relax(client, catalog):
    html = client.get(reverse("programs:list") + "?cme=no&role=physicians").content.decode()
    assert "No programs match these filters." in html
    assert "Remove “CME credit: No”" in html


@pytest.mark.parametrize(
    "query",
    [
        "max_cost=abc",
        "max_cost=-1",
        "max_cost=1e309",
        "max_cost=NaN",
        "q=%00",
        "q=a%00b",
        "role=%00",
        "max_cost=%00",
        "sort=%00",
        "q=" + "x" * 10_000,
        "role=" + "y" * 10_000,
        "role=nobody",
        "sort=nonsense",
        "page=999",
        "page=abc",
        "page=1e309",
        "max_weeks=99999999999999999999999999",
        "cme=%FF%FE",
    ],
)
def test_junk_query_strings_never_500(client, catalog, query):
    response = client.get(reverse("programs:list") + "?" + query)
    assert response.status_code == 200
    assert "of 6 programs" in response.content.decode()


def test_bad_budget_is_reported_beside_the_field(client, catalog):
    html = client.get(reverse("programs:list") + "?max_cost=-5&role=clinicians").content.decode()
    assert "Some values could not be used and were ignored" in html
    assert "greater than or equal to 0" in html
    assert "Role: Clinicians" in html


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_params = st.lists(
    st.tuples(
        st.sampled_from(
            ["role", "max_cost", "assessment", "cme", "format", "framework", "provider_kind"]
            + ["max_hours", "max_weeks", "q", "sort", "page", "hide_unpublished", "junk"]
        ),
        st.one_of(_text, st.integers().map(str), st.floats().map(str)),
    ),
    max_size=8,
)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=_params)
def test_random_query_strings_never_500(client, catalog, params):
    response = client.get(reverse("programs:list"), params, follow=True)
    assert response.status_code == 200
    # At most one redirect, which drops the empty parameters and keeps the rest the page reads
    # (parameters it does not read are dropped before the view: issue #22).
    assert len(response.redirect_chain) <= 1
    if response.redirect_chain:
        known = {*ProgramFilterSet.base_filters, "page"}
        kept = sorted((k, v) for k, v in params if v.strip() and k in known)
        assert sorted(parse_qsl(response.request["QUERY_STRING"])) == kept


def test_a_submitted_form_s_empty_fields_are_dropped_from_the_url(client, catalog):
    response = client.get(
        reverse("programs:list"), {"q": "", "role": "clinicians", "max_cost": "", "sort": "cost"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/programs/?role=clinicians&sort=cost"
    assert client.get(reverse("programs:list"), {"q": ""})["Location"] == "/programs/"


def test_role_page_groups_fits_by_strength_with_the_sources_words(
    client, catalog, django_assert_num_queries
):
    """Role, the page count, its fits with programs and providers, their modules and cohorts,
    footer sources and date."""
    with django_assert_num_queries(6):
        response = client.get(reverse("programs:role", args=["clinicians"]))
    page = BeautifulSoup(response.content, "html.parser")

    def section(key):
        found = page.find("section", attrs={"aria-labelledby": f"section-{key}"})
        return [a.get_text(strip=True) for a in found.select(".program-card__title a")]

    # The guide: Stanford "a natural fit", Harvard and Johns Hopkins "strong academic depth";
    # IABAC "a practical complement"; ABAIM "worth considering" for physicians (a narrower
    # role, so after the whole-role fits, and marked).
    assert section("recommended") == [
        "AI in Health Care Certificate",
        "AI in Healthcare Certificate Program",
        "AI in Healthcare Specialization",
        "AI in medicine certification (title not published)",
    ]
    assert section("addition") == ["AI in healthcare certification (title not published)"]
    abaim = page.find(id="program-abaim-ai-in-medicine-certification").find_parent(
        class_="fit-grid__item"
    )
    assert abaim.select_one(".badge--family").get_text(strip=True) == "For physicians"
    iabac = page.find(id="program-iabac-ai-in-healthcare").find_parent(class_="fit-grid__item")
    assert "“a practical complement” … “when the clinician also manages teams" in iabac.get_text()
    assert "(says the 2026 guide (which promotes IABAC))" in iabac.get_text(" ")


def test_unknown_role_is_404(client, catalog):
    assert client.get("/roles/no-such-role/").status_code == 404


def test_roles_index_and_home_link_every_role(client, catalog, django_assert_num_queries):
    """Roles with counts, footer sources and date."""
    with django_assert_num_queries(3):
        roles_html = client.get(reverse("programs:roles")).content.decode()
    home_html = client.get(reverse("programs:home")).content.decode()
    for role in Role.objects.all():
        assert role.get_absolute_url() in roles_html
        assert role.get_absolute_url() in home_html
    assert "Is it assessed, or only completed?" in home_html


def test_a_budget_that_empties_the_list_names_the_near_misses(client, catalog):
    """A clinician with $2,000: nothing within budget, Johns Hopkins is $990 over."""

    response = client.get(reverse("programs:list"), {"role": "clinicians", "max_cost": "2000"})
    page = BeautifulSoup(response.content, "html.parser")
    miss = page.find(id="near-miss-johns-hopkins-ai-in-healthcare")
    assert miss.find(class_="near-miss__gap").get_text() == "$990 over your budget"
    assert not page.find(id="near-miss-harvard-ai-in-health-care")  # $2,800 over is not near
    checkbox = miss.find("input", attrs={"name": "programs"})
    # Ticks belong to the filter form, so they survive filter changes (issue #24).
    assert checkbox["form"] == "filter-form" and page.find(id="filter-form")


def test_near_misses_follow_the_other_filters(client, catalog):
    from bs4 import BeautifulSoup

    response = client.get(reverse("programs:list"), {"role": "nursing-leaders", "max_cost": "2000"})
    page = BeautifulSoup(response.content, "html.parser")
    assert not page.find(class_="near-misses"), "Johns Hopkins is not for nursing leaders"


@pytest.mark.parametrize("extra", [0, 40])
def test_role_pages_paginate_at_a_flat_query_count(
    client, catalog, extra, django_assert_num_queries
):
    role = Role.objects.get(slug="nursing-leaders")
    for _ in range(extra):
        RoleFitFactory(role=role, source_id=1, rationale=GUIDE_SENTENCE)
    with django_assert_num_queries(6):  # as above: the fits' programs' cohorts in one query
        response = client.get(reverse("programs:role", args=[role.slug]))
    html = response.content.decode()
    assert html.count('class="fit-grid__item"') == min(1 + extra, 25)
    assert ('rel="next"' in html) == bool(extra)


# Ticked programs survive filter changes (issue #24): they live in the address as programs=.

HARVARD_SLUG, IABAC_SLUG = "harvard-ai-in-health-care", "iabac-ai-in-healthcare"


def _ticks(page: BeautifulSoup) -> tuple[set[str], list[str]]:
    """(checked boxes, hidden ticks the filter form carries)."""
    form = page.find(id="filter-form")
    checked = {box["value"] for box in page.select("input[type=checkbox][name=programs][checked]")}
    hidden = [field["value"] for field in form.select("input[type=hidden][name=programs]")]
    return checked, hidden


def test_ticks_in_the_address_are_checked_and_the_filtered_out_are_carried(client, catalog):
    query = {"q": "Harvard Medical", "programs": [HARVARD_SLUG, IABAC_SLUG]}
    page = BeautifulSoup(client.get(reverse("programs:list"), query).content, "html.parser")
    checked, hidden = _ticks(page)
    assert checked == {HARVARD_SLUG}, "Harvard is listed and ticked"
    assert hidden == [IABAC_SLUG], "IABAC is filtered out, its tick kept in the form"
    clear = page.select_one(".filters__actions a")
    assert clear["href"] == f"/programs/?programs={HARVARD_SLUG}&programs={IABAC_SLUG}"


def test_compare_selected_goes_to_the_comparison_of_the_ticks(client, catalog):
    query = {"q": "", "role": "clinicians", "programs": [IABAC_SLUG, HARVARD_SLUG], "compare": "1"}
    response = client.get(reverse("programs:list"), query)
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?programs={IABAC_SLUG}&programs={HARVARD_SLUG}"


@pytest.mark.parametrize(
    "junk", ["\x00", "<script>alert(1)</script>", "x" * 5000, "9" * 400, "a\u202eb", "../etc"]
)
def test_junk_ticks_are_dropped_never_a_500(client, catalog, junk):
    response = client.get(reverse("programs:list"), {"programs": [junk, HARVARD_SLUG]})
    assert response.status_code == 200
    assert b"<script>alert" not in response.content
    checked, hidden = _ticks(BeautifulSoup(response.content, "html.parser"))
    assert checked == {HARVARD_SLUG} and hidden == []
    compare = client.get(
        reverse("programs:list"), {"programs": [junk, HARVARD_SLUG], "compare": "1"}
    )
    assert compare.status_code == 302
    assert compare["Location"] == f"/compare/?programs={HARVARD_SLUG}"


@pytest.mark.parametrize("size", [6, 500])
def test_ticks_add_no_query(client, catalog, size, django_assert_num_queries):
    """Ticks are read from the address, never looked up: with a role asked (which reads the
    page's one-module fits) the list takes LIST_QUERIES + 1 at 6 programs and at 500."""
    grow(size)
    query = {"role": "clinicians", "programs": [HARVARD_SLUG, IABAC_SLUG, "no-such-program"]}
    with django_assert_num_queries(LIST_QUERIES + 1):
        response = client.get(reverse("programs:list"), query)
    assert response.status_code == 200

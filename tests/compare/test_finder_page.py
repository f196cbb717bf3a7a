"""/finder/ as a reader uses it: a GET form, every program ranked, bad answers ignored."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.catalogue_builder import grow
from tests.seed import HARVARD, IABAC, STANFORD

pytestmark = pytest.mark.django_db


def _get(client, **params):
    response = client.get(reverse("compare:finder"), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_without_answers_the_finder_asks_for_one(client, catalog):
    page = _get(client)
    assert page.find("form", class_="finder-form")
    assert not page.find(class_="finder-match")
    assert page.find(class_="empty")


def test_a_nurse_leader_with_3000_and_4_hours_is_told_what_the_sources_name(client, catalog):
    page = _get(client, role="nursing-leaders", budget="3000", weekly_hours="4")
    heading = " ".join(page.find(id="ranking").get_text().split())
    assert heading == "The sources name 1 program for nursing leaders"
    named = page.select("ol.finder-list > li.finder-match")
    assert [li["id"] for li in named] == [f"match-{IABAC}"]
    fit = named[0].select_one(".finder-match__fit")
    assert "Its described audience includes this role (not a recommendation)" in fit.get_text()
    assert "says the 2026 guide (which promotes IABAC)" in fit.get_text()
    # No "Compare the top 3" of programs the page says the sources do not name for her.
    assert not page.find(id="compare-top")
    assert "nothing to compare it with" in page.find(id="compare-top-none").get_text()
    apart = page.find("section", class_="finder-not-named")
    harvard = apart.find(id=f"match-{HARVARD}")
    lines = {
        li.select_one(".judgement__criterion").get_text(strip=True): li
        for li in harvard.select("li.judgement")
    }
    assert "judgement--low_end" in lines["Fits your weekly hours:"]["class"]
    assert "$1,800 over your budget" in lines["Within your budget:"].get_text()
    assert not page.find(id="near-misses")


def test_compare_the_top_three_carries_the_role_and_hours(client, catalog):
    page = _get(client, role="physicians", cme="on", weekly_hours="2")
    link = page.find(id="compare-top")
    assert link.get_text(strip=True) == "Compare the top 3"
    href = link["href"]
    assert href.startswith("/compare/?programs=" + STANFORD)
    assert href.count("programs=") == 3 and "role=physicians" in href and "hours=2" in href
    compare = BeautifulSoup(client.get(href).content, "html.parser")
    first_role_row = compare.select_one(".compare-table th.compare-table__label[scope=row]")
    labels = [
        th.get_text(" ", strip=True)
        for th in compare.select(".compare-table th.compare-table__label[scope=row]")
    ]
    assert any(label.startswith("Physicians (your role)") for label in labels)
    assert first_role_row is not None


def test_an_administrator_sees_harvards_module_priced_as_the_module(client, catalog):
    page = _get(client, role="hospital-administrators", budget="3000")
    harvard = page.find(id=f"match-{HARVARD}")
    text = " ".join(harvard.get_text(" ").split())
    assert "one module, not the whole program: Innovation strategy (about 5 weeks" in text
    budget = harvard.find("li", class_="judgement--met")
    assert "The Innovation strategy module costs about $1,600: within your budget." in " ".join(
        budget.get_text(" ").split()
    )
    assert "$1,800 over" not in page.get_text()


@pytest.mark.parametrize(
    "params",
    [
        {"budget": "abc"},
        {"budget": "-1"},
        {"budget": "1e309"},
        {"budget": "NaN"},
        {"weekly_hours": "99999999"},
        {"role": "astronaut"},
        {"role": "clinicians\x00"},
        {"pace": "<script>"},
        {"budget": "9" * 10_000},
    ],
)
def test_bad_answers_get_a_message_and_are_ignored(client, catalog, params):
    response = client.get(reverse("compare:finder"), {**params, "cme": "on"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    field = next(iter(params))
    assert page.find(id=f"id_{field}-error"), "the message sits beside the field"
    assert len(page.find_all("li", class_="finder-match")) == 6  # CME still judges them all
    assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")


@pytest.mark.parametrize("extra", [0, 40])
def test_finder_query_count_does_not_grow_with_the_catalogue(
    client, catalog, extra, django_assert_num_queries
):
    """The catalogue version (with the footer), roles, the shortlist with providers and topic
    names, then one prefetch each for modules, role fits, citations and cohorts."""
    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(7):
        _get(client, role="clinicians", budget="3000", cme="on")

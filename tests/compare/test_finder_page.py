"""/finder/ as a reader uses it: a GET form, every program ranked, bad answers ignored."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.catalogue_builder import grow
from tests.seed import IABAC, JHU, STANFORD

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


def test_a_nurse_leader_with_2000_sees_the_ranking_and_the_near_miss(client, catalog):
    page = _get(client, role="nursing-leaders", budget="2000")
    matches = page.find_all("li", class_="finder-match")
    assert len(matches) == 6
    assert matches[0]["id"] == f"match-{IABAC}"
    unknown = matches[0].find("li", class_="judgement--unknown")
    assert "Cost not published — ask the provider." in unknown.get_text()
    near = page.find(id="near-misses")
    assert "AI in Healthcare Certificate Program ($990 over budget)" in near.get_text()
    jhu = page.find(id=f"match-{JHU}")
    cost = [j for j in jhu.find_all("li", class_="judgement--not_met") if "budget" in j.get_text()]
    assert "Costs $2,990: $990 over budget." in " ".join(cost[0].get_text(" ").split())
    assert cost[0].find("details", class_="citation"), "the source sentence is one click away"


def test_compare_the_top_three_links_to_a_comparison(client, catalog):
    page = _get(client, role="physicians", cme="on")
    link = page.find("a", string="Compare the top 3")
    assert link["href"].startswith("/compare/?programs=" + STANFORD)
    assert link["href"].count("programs=") == 3


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
    assert len(page.find_all("li", class_="finder-match")) == 6  # CME still ranks them
    assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")


@pytest.mark.parametrize("extra", [0, 40])
def test_finder_query_count_does_not_grow_with_the_catalogue(
    client, catalog, extra, django_assert_num_queries
):
    """The catalogue version (with the footer), roles, the shortlist with providers and topic
    names, then one prefetch each for modules, role fits and citations."""
    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(6):
        _get(client, role="clinicians", budget="3000", cme="on")

"""A reader finds the planning pages (issue #23): the home page and the finder lead to them."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def test_home_offers_a_team_plan_and_a_stack(client, catalog):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    section = page.find("h2", id="plans-title").parent
    links = {a.get_text(): a["href"] for a in section.find_all("a")}
    assert links == {
        "Plan a team's training": "/plans/team/",
        "Combine two to four programs": "/plans/stack/",
    }
    assert client.get(links["Plan a team's training"]).status_code == 200


def test_the_finder_carries_the_readers_role_to_a_team_plan(client, catalog):
    page = BeautifulSoup(client.get("/finder/?role=clinicians").content, "html.parser")
    link = page.find("a", string="Plan for a team")
    assert link["href"] == "/plans/team/?role=clinicians&people=1"
    plan = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    assert plan.select_one('select[name="role"] option[selected]')["value"] == "clinicians"

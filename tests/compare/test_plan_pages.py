"""The stack and team plan pages and the plan's exports (issue #23), driven as a reader would."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.catalogue_builder import grow
from tests.forms import as_post_data, form_fields
from tests.seed import HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db

TEAM = (
    "/plans/team/?role=nursing-leaders&people=3&program=&role=clinical-informatics&people=2"
    "&program=&role=operations-managers&people=1&program=&budget=15000&weeks=12&hours="
)


def _page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("extra", [0, 200])
def test_the_stack_page_runs_a_fixed_number_of_queries(
    client, catalog, extra, django_assert_num_queries
):
    """The catalogue version, the programs with their modules, role fits, citations and
    cohorts, the inclusion sentence's documents, and the bounded list of programs to add (with
    modules): the same at 6 programs as at 206."""
    grow(6 + extra)
    with django_assert_num_queries(9):
        page = _page(client.get(f"/plans/stack/?programs={HARVARD}&programs={JHU}"))
    assert page.select_one("#stack-cost .stack-figure").get_text() == "about $7,790"
    assert page.select_one(".stack-pairing__none").get_text() == "The sources do not pair these."


def test_the_stack_page_shows_the_pairing_with_who_says_so(client, catalog):
    page = _page(client.get(f"/plans/stack/?programs={IABAC}&programs={STANFORD}"))
    named = page.select_one(".stack-pairing__item--named")
    assert "pairs IABAC with Stanford" in named.get_text()
    assert "Pairing it with Stanford's specialization" in named.blockquote.get_text()
    cost = page.select_one("#stack-cost .stack-figure").get_text()
    assert cost == "IABAC: not published + Stanford: not published"
    cme = page.select("tr.stack-table__part .stack-table__cme")
    assert [cell.get_text(" ", strip=True)[:3] for cell in cme] == ["Not", "Yes"]
    # Every footnote mark points to a numbered source sentence on the page.
    for ref in page.select(".note-ref a"):
        assert page.find(id=ref["href"][1:]) is not None


def test_the_stack_form_adds_a_part_as_rendered(client, catalog):
    html = client.get(f"/plans/stack/?programs={HARVARD}").content.decode()
    data = as_post_data(form_fields(html, "stack-form"), {"programs": [HARVARD, JHU]})
    page = _page(client.get("/plans/stack/", data))
    assert page.select_one("#stack-cost .stack-figure").get_text() == "about $7,790"


def test_blank_and_junk_stack_values_never_fail(client, catalog):
    response = client.get(f"/plans/stack/?programs=&programs={JHU}")
    assert response.status_code == 302
    page = _page(client.get(f"/plans/stack/?programs={JHU}&programs=%00&programs={'x' * 500}"))
    assert "Not found in the catalogue" in page.select_one(".messages").get_text()
    # An unknown parameter is dropped before the page is built (programs/caching.py).
    junk = _page(client.get("/plans/stack/?junk=%00"))
    assert junk.h1.get_text() == "Build a credential stack"


@pytest.mark.parametrize("extra", [0, 200])
def test_the_team_plan_runs_a_fixed_number_of_queries(
    client, catalog, extra, django_assert_num_queries
):
    """The catalogue version, roles, the named programs per role (bounded), the chosen
    programs with modules, role fits, citations and cohorts, the inclusion sentence's
    documents."""
    grow(6 + extra)
    with django_assert_num_queries(9):
        page = _page(client.get(TEAM))
    rows = page.select("tr.plan-table__row")
    assert [r.select_one(".plan-table__role").get_text() for r in rows] == [
        "Nursing leaders",
        "Clinical informatics professionals",
        "Hospital operations managers",
    ]


def test_the_administrators_plan_on_screen(client, catalog):
    page = _page(client.get(TEAM))
    assert (
        page.select_one("#plan-total .plan-figure").get_text() == "IABAC (6 seats): not published"
    )
    assert page.select_one("#plan-budget-words").get_text().startswith("No price in this plan is")
    asks = page.select_one(".plan-asks").get_text()
    assert "group or volume pricing for 6 people" in asks
    # The form, rendered with the plan, chooses Cedars-Sinai for informatics and resubmits.
    fields = form_fields(page.decode(), "team-form")
    data = as_post_data(fields)
    data["program"][1] = "cedars-sinai-applied-ai-health-systems"
    page = _page(client.get("/plans/team/", data))
    informatics = page.select("tr.plan-table__row")[1]
    assert "Certificate in Applied AI" in informatics.select_one(".plan-table__program").get_text()
    finish = informatics.select_one(".plan-table__finish").get_text()
    assert "Takes 12 weeks: within your 12 weeks." in finish


def test_the_csv_holds_exactly_the_plan_on_screen_header_first(client, catalog):
    query = TEAM.split("?", 1)[1] + f"&role=clinicians&people=2&program={HARVARD}"
    page = _page(client.get(f"/plans/team/?{query}"))
    response = client.get(f"/plans/team/export.csv?{query}")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Role",
        "Head count",
        "Program or module",
        "Seat cost",
        "Total",
        "Weeks",
        "Source",
    ]
    on_screen = [
        [
            tr.select_one(".plan-table__role").get_text(),
            tr.select_one(".plan-table__people").get_text(),
            tr.select_one(".plan-table__program a").get_text(),
            *(figure.get_text() for figure in tr.select(".plan-figure")),
        ]
        for tr in page.select("tr.plan-table__row")
    ]
    assert [row[:6] for row in rows[1:-1]] == on_screen
    assert rows[-1][4] == page.select_one("#plan-total .plan-figure").get_text()
    assert rows[-1][4] == "about $9,600 + IABAC (6 seats): not published"
    harvard = rows[4]
    assert harvard[3:6] == [
        "about $4,800",
        "about $9,600",
        "about 15 weeks (3 modules of about 5 weeks each)",
    ]
    assert "roughly $1,600 per course" in harvard[6]


def test_the_json_holds_the_same_rows_and_the_sources(client, catalog):
    query = TEAM.split("?", 1)[1]
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get(f"/plans/team/export.csv?{query}").content.decode("utf-8-sig"))
        )
    )
    data = json.loads(client.get(f"/plans/team/export.json?{query}").content)
    assert [row["csv"] for row in data["rows"]] == csv_rows[1:-1]
    assert data["total"]["csv"] == csv_rows[-1]
    assert data["total"]["unpublished"] == ["IABAC (6 seats)"]
    assert data["budget"] == 15000 and data["deadline_weeks"] == 12
    quotes = [source["quote"] for source in data["sources"]]
    assert any(q.startswith("The target audience is deliberately broad") for q in quotes)
    assert data["url"].endswith(TEAM)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("role=nursing-leaders&people=0&program=", "people", "At least 1 person."),
        ("role=nursing-leaders&people=-3&program=", "people", "At least 1 person."),
        ("role=nursing-leaders&people=1000000000&program=", "people", "At most 10,000"),
        ("role=no-such-role&people=2&program=", "role", "Choose a role from the list."),
        (
            "role=nursing-leaders&people=2&program=stanford-ai-in-healthcare",
            "program",
            "The sources do not name this for nursing leaders",
        ),
        ("role=nursing-leaders&people=2%00&program=", "people", "Give a whole number"),
        ("role=%00&people=2&program=", "role", "Choose a role from the list."),
        ("role=nursing-leaders&people=2&program=&budget=abc", "budget", "Enter a number."),
        ("role=nursing-leaders&people=2&program=&weeks=%00", "weeks", "Enter a whole number."),
    ],
)
def test_bad_input_gets_a_message_beside_its_field(client, catalog, query, field, message):
    page = _page(client.get(f"/plans/team/?{query}"))
    control = page.find(attrs={"name": field})
    box = control.find_parent(class_="team-row__field")
    assert message in box.select_one(".field-error").get_text()


def test_fifty_rows_are_cut_to_twenty_with_a_message(client, catalog):
    query = "&".join(["role=nursing-leaders&people=1&program="] * 50)
    page = _page(client.get(f"/plans/team/?{query}"))
    assert "at most 20 rows" in page.select_one("#rows-error").get_text()
    assert "30 left out" in page.select_one("#rows-error").get_text()
    assert len(page.select("tr.plan-table__row")) == 20
    assert len(page.select("#team-form .team-row")) == 20  # no blank rows past the limit


def test_pages_offer_the_pairings_the_sources_name(client, catalog):
    role = _page(client.get("/roles/clinical-informatics/"))
    links = {a.get_text(): a["href"] for a in role.select(".pairing-links__link")}
    text = (
        "IABAC with Stanford, as the 2026 guide (which promotes IABAC) suggests for clinical "
        "informatics professionals"
    )
    assert links[text] == f"/plans/stack/?programs={IABAC}&programs={STANFORD}"
    stanford = _page(client.get(f"/programs/{STANFORD}/"))
    link = next(
        a for a in stanford.select(".pairing-links__link") if "clinical informatics" in a.get_text()
    )
    response = client.get(link["href"])
    assert response.status_code == 302
    assert response["Location"] == f"/plans/stack/?programs={IABAC}&programs={STANFORD}"


def test_the_pages_are_cached_like_the_rest(client, catalog, django_assert_num_queries):
    client.get(TEAM)
    with django_assert_num_queries(1):  # the catalogue version only
        assert client.get(TEAM).status_code == 200

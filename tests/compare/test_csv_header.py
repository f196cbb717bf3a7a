"""Every CSV the site serves starts with its header row (issue #24, item 6): a spreadsheet takes
the first row as column names, so a sentence there became the names of the columns. How to read
the columns is said on the comparison page and in its JSON instead, and nothing of it is lost."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.seed import HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db

COMPARE = {"programs": [HARVARD, IABAC]}
TEAM = (
    "role=nursing-leaders&people=3&program=&role=clinical-informatics&people=2"
    "&program=&role=operations-managers&people=1&program=&budget=15000&weeks=12&hours="
)
LEGEND_START = "A blank value means the sources do not publish it"


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _served_csvs(client):
    """(name, rows) of every CSV a reader can download."""
    yield "comparison", _rows(client.get("/compare/export.csv", COMPARE))
    yield "catalogue", _rows(client.get("/programs/export.csv"))
    yield "filtered catalogue", _rows(client.get("/programs/export.csv", {"role": "clinicians"}))
    yield "team plan", _rows(client.get(f"/plans/team/export.csv?{TEAM}"))


def test_every_served_csv_starts_with_its_header_row(client, catalog):
    firsts = {name: rows[0] for name, rows in _served_csvs(client)}
    assert firsts["comparison"] == [
        "Group",
        "Fact",
        "Harvard: AI in Health Care Certificate",
        "Harvard: AI in Health Care Certificate (who says, how sure)",
        "IABAC: AI in healthcare certification (title not published)",
        "IABAC: AI in healthcare certification (title not published) (who says, how sure)",
    ]
    assert firsts["catalogue"][:3] == ["slug", "name", "provider"]
    assert firsts["filtered catalogue"] == firsts["catalogue"]
    assert firsts["team plan"] == [
        "Role",
        "Head count",
        "Program or module",
        "Seat cost",
        "Total",
        "Weeks",
        "Source",
    ]


def test_no_served_csv_has_a_sentence_for_a_row(client, catalog):
    """Every row is as wide as the header: a legend line would be one lone cell."""
    for name, rows in _served_csvs(client):
        width = len(rows[0])
        assert width > 1, name
        assert all(len(row) == width for row in rows), name
        assert not any(cell.startswith(LEGEND_START) for row in rows for cell in row), name


def test_the_comparison_json_and_page_keep_the_legend(client, catalog):
    data = json.loads(client.get("/compare/export.json", COMPARE).content)
    assert data["csv_legend"].startswith(LEGEND_START)
    assert "who says so and how sure" in data["csv_legend"]

    page = BeautifulSoup(client.get("/compare/", COMPARE).content, "html.parser")
    legend = page.select_one("#csv-legend")
    assert legend is not None
    assert legend.get_text(" ", strip=True).startswith("Reading the CSV: " + LEGEND_START)
    # Beside the download it explains.
    toolbar = legend.find_previous_sibling(class_="compare-toolbar")
    assert toolbar.find("a", string="Download CSV") is not None


def test_a_three_program_comparison_csv_has_header_then_one_row_per_fact(client, catalog):
    rows = _rows(client.get("/compare/export.csv", {"programs": [HARVARD, JHU, IABAC]}))
    assert len(rows[0]) == 2 + 2 * 3
    total = next(row for row in rows if row[1] == "Total cost")
    assert total[2] == "about $4,800" and total[4] == "$2,990" and total[6] == ""

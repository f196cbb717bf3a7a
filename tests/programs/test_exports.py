"""The filtered catalogue as CSV and JSON (issue #13, item 4)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs import exchange, exports
from programs.browse import browse
from programs.models import Program, Provider
from programs.spreadsheet import BOM
from tests import seed
from tests.catalogue_builder import grow

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "role=clinicians",
    "role=nursing-leaders&sort=cost",
    "max_cost=3000",
    "max_cost=3000&hide_unpublished=on",
    "assessment=unknown&cme=unknown",
    "sort=-cost",
    "q=governance",
    "max_weeks=8&sort=weeks",
]


def _download(client, name: str, query: str = ""):
    response = client.get(reverse(f"programs:export_{name}"), QUERY_STRING=query)
    assert response.status_code == 200
    assert response.streaming, "exports are generated while they are sent"
    return response, b"".join(response.streaming_content).decode("utf-8")


def csv_rows(client, query: str = "") -> list[dict]:
    response, body = _download(client, "csv", query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(BOM)
    return list(csv.DictReader(io.StringIO(body.removeprefix(BOM))))


def json_document(client, query: str = "") -> dict:
    response, body = _download(client, "json", query)
    assert response["Content-Type"] == "application/json"
    return json.loads(body)


def listed_slugs(query: str) -> list[str]:
    """Every program the list page shows for the query, page after page, in order."""
    slugs, page = [], 1
    while True:
        params = f"{query}&page={page}" if query else f"page={page}"
        result = browse(_query_dict(params))
        slugs += [program.slug for program in result.page.object_list]
        if not result.page.has_next():
            return slugs
        page += 1


def _query_dict(query: str):
    from django.http import QueryDict

    return QueryDict(query)


@pytest.mark.parametrize("query", FILTERS)
def test_exports_hold_the_programs_the_list_shows_in_its_order(client, catalog, query):
    expected = listed_slugs(query)
    assert [row["slug"] for row in csv_rows(client, query)] == expected
    document = json_document(client, query)
    assert [program["slug"] for program in document["programs"]] == expected
    assert document["count"] == len(expected)
    assert document["url"] == f"http://testserver/programs/{'?' if query else ''}{query}"


def test_a_filter_changes_what_is_exported(client, catalog):
    """Not the whole catalogue whatever the query: role=nursing-leaders drops programs."""
    everything = {row["slug"] for row in csv_rows(client)}
    nursing = {row["slug"] for row in csv_rows(client, "role=nursing-leaders")}
    assert everything == set(seed.ALL)
    assert nursing and nursing < everything


def test_every_page_of_a_large_catalogue_is_exported(client, catalog):
    grow(60)
    expected = listed_slugs("sort=cost")
    assert len(expected) == 60
    assert [row["slug"] for row in csv_rows(client, "sort=cost")] == expected


def test_unknown_facts_are_empty_cells_and_nulls(client, catalog):
    row = {r["slug"]: r for r in csv_rows(client)}[seed.IABAC]
    for column in ("price_amount", "price_currency", "duration_weeks", "cme_credit", "total_cost"):
        assert row[column] == "", column
    program = {p["slug"]: p for p in json_document(client)["programs"]}[seed.IABAC]
    for key in ("price_amount", "price_currency", "duration_weeks", "cme_credit", "total_cost"):
        assert program[key] is None, key
    assert program["facts"]["total_cost"]["value"] is None


def test_known_facts_are_exported_with_their_types(client, catalog):
    rows = {r["slug"]: r for r in csv_rows(client)}
    assert rows[seed.JHU]["price_amount"] == "2990"
    assert rows[seed.JHU]["duration_weeks"] == "10"
    assert rows[seed.HARVARD]["price_basis"] == "per_course"
    assert rows[seed.HARVARD]["price_is_approximate"] == "yes"
    assert rows[seed.HARVARD]["total_cost"] == "4800"
    assert rows[seed.HARVARD]["total_cost: as shown"] == "about $4,800"
    programs = {p["slug"]: p for p in json_document(client)["programs"]}
    assert programs[seed.JHU]["price_amount"] == 2990
    assert programs[seed.HARVARD]["price_is_approximate"] is True
    assert programs[seed.HARVARD]["total_cost"] == 4800
    assert programs[seed.JHU]["page"] == f"http://testserver/programs/{seed.JHU}/"


def test_each_fact_says_who_says_so_and_cites_its_source(client, catalog):
    """IABAC's format rests on IABAC's own description: the export says so, beside the fact."""
    row = {r["slug"]: r for r in csv_rows(client)}[seed.IABAC]
    assert row["format: as shown"] == "Self-paced"
    assert row["format: who says, how sure"] == "according to IABAC, as the 2026 guide reports"
    assert "Best AI Certifications for Healthcare Workers: 2026 Guide: “" in row["format: sources"]
    fact = {p["slug"]: p for p in json_document(client)["programs"]}[seed.IABAC]["facts"]["format"]
    assert fact["who_says"] == "according to IABAC, as the 2026 guide reports"
    program = Program.objects.get(slug=seed.IABAC)
    quotes = {c.quote for c in program.citations.filter(field="format")}
    assert {source["quote"] for source in fact["sources"]} == quotes
    assert {source["standing"] for source in fact["sources"]} == {"self_described"}


def test_the_exchange_columns_are_the_header(client, catalog):
    response, body = _download(client, "csv")
    header = next(csv.reader(io.StringIO(body.removeprefix(BOM))))
    assert tuple(header) == exchange.COLUMNS
    assert "attachment;" in response["Content-Disposition"]
    assert 'filename="certcatalog-programs-' in response["Content-Disposition"]


def test_cells_that_look_like_formulas_are_written_as_text(client, catalog):
    Program.objects.filter(slug=seed.JHU).update(summary='=HYPERLINK("http://x")', name="+1 AI")
    row = {r["slug"]: r for r in csv_rows(client)}[seed.JHU]
    assert row["summary"] == '\'=HYPERLINK("http://x")'
    assert row["name"] == "'+1 AI"


def test_non_ascii_names_survive(client, catalog):
    Provider.objects.filter(programs__slug=seed.JHU).update(name="Universität Zürich")
    Program.objects.filter(slug=seed.JHU).update(name="KI für Ärztinnen – Grundlagen")
    row = {r["slug"]: r for r in csv_rows(client)}[seed.JHU]
    assert row["name"] == "KI für Ärztinnen – Grundlagen"
    assert row["provider"] == "Universität Zürich"
    program = {p["slug"]: p for p in json_document(client)["programs"]}[seed.JHU]
    assert program["name"] == "KI für Ärztinnen – Grundlagen"


def test_junk_parameters_are_ignored_like_on_the_list_page(client, catalog):
    query = "max_cost=abc&role=nobody&sort=%00&page=99999999999999999999&q=%00"
    assert len(csv_rows(client, query)) == len(listed_slugs(query))
    assert json_document(client, query)["count"] == len(listed_slugs(query))


@pytest.mark.parametrize("size", [6, 40])
@pytest.mark.parametrize("name", ["csv", "json"])
def test_export_queries_do_not_grow_with_the_catalogue(
    client, catalog, size, name, django_assert_num_queries
):
    """The catalogue version, the roles (for the role filter), then per chunk of programs: the
    programs, their modules, role fits, citations, cohorts; JSON counts first."""
    grow(size)
    with django_assert_num_queries(7 if name == "csv" else 8):
        _download(client, name, "role=clinicians&max_cost=5000")


def test_programs_are_read_a_chunk_at_a_time(client, catalog, settings, monkeypatch):
    """Constant memory: the export never holds more than EXPORT_CHUNK programs at once; at
    10 a chunk, 25 programs take three reads of each kind (`make bench` measures 10,000)."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 10)
    grow(25)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(client)
    assert len(rows) == 25
    citation_reads = [q for q in queries.captured_queries if "programs_citation" in q["sql"]]
    assert len(citation_reads) == 3


def test_the_list_page_links_to_the_exports_of_what_it_shows(client, catalog):
    response = client.get(reverse("programs:list"), QUERY_STRING="sort=cost&role=clinicians")
    link = BeautifulSoup(response.content, "html.parser").select_one("#download")
    expected = len(listed_slugs("role=clinicians"))
    assert f"these {expected} programs" in link.get_text()
    hrefs = [a["href"] for a in link.select("a")]
    assert hrefs == [
        "/programs/export.csv?role=clinicians&sort=cost",
        "/programs/export.json?role=clinicians&sort=cost",
    ]
    assert [row["slug"] for row in csv_rows(client, hrefs[0].partition("?")[2])] == (
        listed_slugs("role=clinicians&sort=cost")
    )


def test_the_export_link_leaves_out_the_page(client, catalog):
    grow(30)
    response = client.get(reverse("programs:list"), QUERY_STRING="page=2")
    link = BeautifulSoup(response.content, "html.parser").select_one("#download")
    assert "these 30 programs" in link.get_text()
    assert [a["href"] for a in link.select("a")] == [
        "/programs/export.csv",
        "/programs/export.json",
    ]


def test_exported_numbers_keep_their_decimals(client, catalog):
    Program.objects.filter(slug=seed.JHU).update(weekly_hours_min=Decimal("2.5"))
    Program.objects.filter(slug=seed.JHU).update(weekly_hours_max=Decimal("3.5"))
    row = {r["slug"]: r for r in csv_rows(client)}[seed.JHU]
    assert (row["weekly_hours_min"], row["weekly_hours_max"]) == ("2.5", "3.5")
    program = {p["slug"]: p for p in json_document(client)["programs"]}[seed.JHU]
    assert (program["weekly_hours_min"], program["weekly_hours_max"]) == (2.5, 3.5)

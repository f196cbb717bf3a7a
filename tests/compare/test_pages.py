import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from programs.models import Document
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory
from tests.seed import ALL, HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db


COMPARE_QUERIES = 8
"""The catalogue version (cache key, ETag and footer), programs with providers and topic names,
modules, role fits, citations, cohorts, the roles (a row per role, through the role hierarchy)
and the 'add a program' list (at most CHOICES_SHOWN): the same for 2 programs as for 5. At 6
the add list is not shown."""


def _get(client, slugs, **extra):
    return client.get(reverse("compare:index"), {"programs": slugs, **extra})


def _export(client, kind: str, slugs, **extra):
    response = client.get(reverse(f"compare:export_{kind}"), {"programs": slugs, **extra})
    assert response.status_code == 200
    return response


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("slugs", "queries"),
    [(ALL[:2], COMPARE_QUERIES), (ALL[:5], COMPARE_QUERIES), (ALL, COMPARE_QUERIES - 1)],
)
def test_compare_query_count_is_flat_from_2_to_6(
    client, catalog, slugs, queries, django_assert_num_queries
):
    """Everything is prefetched once for the selection; no per-program queries."""
    with django_assert_num_queries(queries):
        response = _get(client, slugs)
    assert response.status_code == 200


def test_compare_page_shows_table_chart_and_actions(client, catalog):
    html = _get(client, [HARVARD, JHU, IABAC]).content.decode()
    assert "3 programs side by side" in html
    page = BeautifulSoup(html, "html.parser")
    best = [" ".join(b.get_text().split()) for b in page.select(".badge--best")]
    assert best == ["Lowest of 2 published costs", "Shortest of 2 published durations"]
    rows = _table_rows(page)
    # Published values that disagree are marked; a row published for only some is marked so;
    # a row no source publishes for any of them is not marked, and every cell says so.
    assert rows["Total cost"]["badge"] == "differs"
    assert rows["Format"]["badge"] == "differs"
    assert rows["Weekly hours"]["badge"] == "published for some"
    assert rows["Platform"]["badge"] is None
    assert rows["Platform"]["unknown"] == ["Not published"] * 3
    assert rows["Total cost"]["unknown"] == [None, None, "Not published"]  # IABAC's price
    assert "<svg" in html and "Not plotted" in html
    assert "Only show differences" in html
    assert f"?programs={JHU}&amp;programs={IABAC}" in html  # remove Harvard
    downloads = [a["href"] for a in page.select('a[download][href^="/compare/export."]')]
    query = f"programs={HARVARD}&programs={JHU}&programs={IABAC}"
    assert downloads == [f"/compare/export.csv?{query}", f"/compare/export.json?{query}"]
    assert [a["href"] for a in page.select('a[href^="/compare/print.pdf"]')] == [
        f"/compare/print.pdf?{query}"
    ]


def _table_rows(page: BeautifulSoup) -> dict[str, dict]:
    """The comparison table's fact rows by label: the row's badge text (or None) and, for each
    program's cell, the text of its "unknown" mark (or None)."""
    rows = {}
    for tr in page.select(".compare-table tbody tr"):
        cells = tr.find_all("td")
        if not cells:
            continue  # a group heading
        label = tr.find("th")
        badge = label.select_one(".badge")
        if badge is not None:
            badge.extract()
        rows[" ".join(label.get_text().split())] = {
            "badge": badge.get_text(strip=True) if badge is not None else None,
            "unknown": [
                unknown.get_text(strip=True) if (unknown := td.select_one(".unknown")) else None
                for td in cells
            ],
        }
    return rows


def test_only_differences_toggle(client, catalog):
    html = _get(client, [HARVARD, JHU], diff="1").content.decode()
    assert "only rows where they differ" in html
    assert "Show all rows" in html
    assert ">Platform<" not in html


def test_one_program_asks_for_another(client, catalog):
    html = _get(client, [JHU]).content.decode()
    assert "Pick at least one more program" in html
    assert f'value="{JHU}" checked' in html


def test_no_program_helps_pick(client, catalog):
    html = client.get(reverse("compare:index")).content.decode()
    assert "Pick 2 to 6 programs" in html
    assert html.count('name="programs"') == 6


def test_more_than_six_compares_the_first_six_with_a_message(client, catalog):
    ProgramFactory(slug="seventh", name="Seventh program")
    html = _get(client, [*ALL, "seventh"]).content.decode()
    assert "6 programs side by side" in html
    assert "Left out: Seventh program" in html


def test_unknown_and_repeated_slugs_are_named_and_the_rest_compared(client, catalog):
    html = _get(client, [HARVARD, "no-such", JHU, HARVARD]).content.decode()
    assert "Not found in the catalogue: “no-such”" in html
    assert "Listed more than once" in html
    assert "2 programs side by side" in html


@pytest.mark.parametrize(
    "values",
    [
        ["\x00", HARVARD, JHU],
        [HARVARD] * 1000,
        [f"junk{i}" for i in range(1000)],
        ["x" * 100_000, HARVARD, JHU],
        ["<script>alert(1)</script>", HARVARD],
        ["%FF", "../../etc/passwd"],
    ],
)
def test_junk_programs_values_never_500(client, catalog, values):
    response = _get(client, values)
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize("extra", [{"format": "xml"}, {"diff": "\x00"}, {"format": "csv\x00"}])
def test_junk_other_parameters_fall_back_to_the_page(client, catalog, extra):
    assert _get(client, [HARVARD, JHU], **extra).status_code == 200


def test_csv_export(client, catalog):
    response = _export(client, "csv", [HARVARD, IABAC])
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="certcatalog-comparison-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode()), "UTF-8 with BOM for spreadsheets"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Group", "Fact"], "the header row first, for spreadsheets"
    total = next(r for r in rows[1:] if r[1] == "Total cost")
    assert total[2:] == [
        "about $4,800",
        "Derived from the price per course × the number of courses",
        "",
        "",
    ]


@pytest.mark.parametrize(
    "typed",
    ["+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", '=HYPERLINK("http://x")'],
)
def test_csv_cells_that_look_like_formulas_are_neutralised(staff_client, catalog, typed):
    """An editor's text that a spreadsheet would run as a formula is exported as text
    (OWASP CSV injection): a leading apostrophe, the rest unchanged."""
    from programs.models import Program
    from tests.forms import browser_post

    # Johns Hopkins' prerequisites are cited ("requires no prior programming experience").
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    assert (
        browser_post(
            staff_client,
            url,
            "program_form",
            {"prerequisites": typed, "change_reason": "Testing formula-like text"},
        ).status_code
        == 302
    )
    rows = _csv_rows(_export(staff_client, "csv", [JHU, IABAC]))
    prerequisites = next(r for r in rows[1:] if r[1] == "Prerequisites")
    assert Program.objects.get(slug=JHU).prerequisites == typed
    assert prerequisites[2] == "'" + typed
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_json_export(client, catalog):
    response = _export(client, "json", [JHU, IABAC])
    assert response["Content-Type"] == "application/json"
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [p["slug"] for p in data["programs"]] == [JHU, IABAC]
    assert data["programs"][1]["total_cost"] is None


def test_print_summary(client, catalog):
    html = client.get(reverse("compare:print"), {"programs": [HARVARD, JHU]}).content.decode()
    page = BeautifulSoup(html, "html.parser")
    summary = page.select_one(".print-summary")
    assert summary.h1.get_text() == "AI in healthcare certifications: comparison summary"
    today = timezone.localdate()
    assert summary.p.get_text().startswith(f"Prepared {today.day} {today:%B %Y} from certcatalog:")
    columns = [
        " ".join(th.get_text().split()) for th in summary.select("th.compare-table__program")
    ]
    assert [c.split(" AI")[0] for c in columns] == ["Harvard", "Johns Hopkins"]
    sources = " ".join(page.select_one(".print-summary__sources").get_text().split())
    for document in Document.objects.all():
        assert f"{document.title} ({document.date_label}" in sources
    assert "promotes IABAC" in sources  # the guide's badge travels with it on paper
    assert "Remove" not in html


def test_detail_page_offers_compare_with(client, catalog):
    html = client.get(reverse("programs:detail", args=[JHU])).content.decode()
    assert f"/compare/?programs={JHU}" in html


@pytest.mark.parametrize(
    ("url", "form"),
    # On the list the ticks belong to its filter form, so they survive filter changes (#24).
    [("/", "compare-form"), ("/programs/", "filter-form"), ("/roles/clinicians/", "compare-form")],
)
def test_lists_have_compare_checkboxes(client, catalog, url, form):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    boxes = page.select("input[type=checkbox][name=programs]")
    assert boxes and all(box["form"] == form for box in boxes)
    assert page.find(id=form) is not None
    assert page.find("button", string="Compare selected") is not None


@pytest.mark.parametrize("extra", [0, 40])
def test_the_add_a_program_list_is_bounded_and_searchable(
    client, catalog, extra, django_assert_num_queries
):
    """At most CHOICES_SHOWN programs are offered; past that the reader searches by name or
    provider, and the search keeps the programs already chosen."""
    from compare.selection import CHOICES_SHOWN

    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(COMPARE_QUERIES):
        response = _get(client, [HARVARD, JHU])
    page = BeautifulSoup(response.content, "html.parser")
    options = [o["value"] for o in page.select("#add-program option")]
    assert len(options) == min(4 + extra, CHOICES_SHOWN)
    assert HARVARD not in options and JHU not in options
    find = page.select_one("form.picker--find")
    assert (find is not None) == (extra > 0)
    if find is None:
        return
    kept = [i["value"] for i in find.select("input[type=hidden][name=programs]")]
    assert kept == [HARVARD, JHU]
    narrowed = BeautifulSoup(_get(client, [HARVARD, JHU], find="stanford").content, "html.parser")
    options = [o["value"] for o in narrowed.select("#add-program option")]
    assert options == ["stanford-ai-in-healthcare"]
    assert narrowed.select_one("#find-program")["value"] == "stanford"
    none = BeautifulSoup(_get(client, [HARVARD, JHU], find="zzz\x00").content, "html.parser")
    assert not none.select("#add-program option")
    assert none.select_one("#find-empty").get_text() == (
        "No program not already chosen matches “zzz”."
    )


def test_the_pick_page_is_bounded_too(client, catalog):
    from compare.selection import CHOICES_SHOWN

    grow(6 + 40)  # the seed's six, plus synthetic programs in bulk
    page = BeautifulSoup(_get(client, [JHU]).content, "html.parser")
    boxes = page.select("form.picker:not(.picker--find) input[name=programs]")
    assert len(boxes) == CHOICES_SHOWN + 1  # the chosen one, then the first 30 others
    assert boxes[0]["value"] == JHU and boxes[0].has_attr("checked")
    assert page.select_one("#find-more")


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_the_old_format_switch_redirects_to_the_export_routes(client, catalog, kind):
    """Links shared before the exports had their own addresses keep working."""
    response = _get(client, [HARVARD, JHU], format=kind, diff="1")
    assert response.status_code == 301
    assert response["Location"] == (
        f"/compare/export.{kind}?programs={HARVARD}&programs={JHU}&diff=1"
    )


def test_export_links_carry_the_rows_and_pace_shown(client, catalog):
    page = BeautifulSoup(_get(client, [HARVARD, JHU], diff="1", hours="4").content, "html.parser")
    downloads = [a["href"] for a in page.select('a[download][href^="/compare/export."]')]
    assert downloads[0] == f"/compare/export.csv?programs={HARVARD}&programs={JHU}&diff=1&hours=4"


def test_csv_with_diff_holds_only_the_rows_that_differ(client, catalog):
    every = {r[1] for r in _csv_rows(_export(client, "csv", [HARVARD, JHU]))[1:]}
    differing = {r[1] for r in _csv_rows(_export(client, "csv", [HARVARD, JHU], diff="1"))[1:]}
    assert "Platform" in every and "Platform" not in differing  # published for neither
    assert "Total cost" in differing
    assert differing < every


def test_csv_keeps_non_ascii_names(client, catalog):
    from programs.models import Program

    Program.objects.filter(slug=JHU).update(name="KI für Ärztinnen – Grundlagen")
    header = _csv_rows(_export(client, "csv", [HARVARD, JHU]))[0]
    assert "Johns Hopkins: KI für Ärztinnen – Grundlagen" in header


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_export_of_fewer_than_two_programs_goes_back_to_the_picker(client, catalog, kind):
    response = client.get(reverse(f"compare:export_{kind}"), {"programs": [JHU, "nope"]})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?programs={JHU}"


@pytest.mark.parametrize("extra", [0, 40])
@pytest.mark.parametrize(
    ("name", "queries"),
    [("export_csv", COMPARE_QUERIES - 1), ("export_json", COMPARE_QUERIES - 1), ("print", 6)],
)
def test_export_and_print_queries_do_not_grow(
    client, catalog, extra, name, queries, django_assert_num_queries
):
    """The version, the programs, modules, role fits, citations, cohorts: no 'add a program'
    list."""
    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(queries):
        response = client.get(reverse(f"compare:{name}"), {"programs": [HARVARD, JHU, IABAC]})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 40])
def test_the_pick_page_queries_do_not_grow(client, catalog, extra, django_assert_num_queries):
    """The version, the named program with its modules, role fits, citations and cohorts, and
    the bounded 'add a program' list."""
    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(7):
        response = _get(client, [JHU])
    assert response.status_code == 200


def test_every_compare_cell_names_its_program_and_fact(client, catalog):
    """WCAG technique H43 (issue #24): with several levels of `th`, each `td` lists the ids of
    its headers: the program's column head and the fact's row head, which names its group."""
    page = BeautifulSoup(_get(client, ALL).content, "html.parser")
    table = page.select_one("table.compare-table")
    heads = {th["id"]: th for th in table.find_all("th") if th.get("id")}
    programs = [th["id"] for th in table.select("thead th.compare-table__program")]
    assert len(programs) == 6
    values = [row for row in table.select("tbody tr") if row.find("th", scope="row")]
    assert values
    for row in values:
        fact = row.find("th", scope="row")
        (group,) = fact["headers"]  # BeautifulSoup reads `headers` as a list of ids
        assert heads[group].get("scope") == "rowgroup", "the fact names its group"
        cells = row.find_all("td")
        assert len(cells) == 6
        for column, cell in zip(programs, cells, strict=True):
            assert set(cell["headers"]) == {column, fact["id"]}, fact.get_text()
    total = table.find("th", id=values[0].find("th")["id"])
    assert total.get_text(" ", strip=True).startswith("Total cost")
    assert heads[total["headers"][0]].get_text(strip=True) == "Cost & time"

"""compare.table, compare.selection, compare.chart and compare.export without HTTP."""

import csv
import io
from decimal import Decimal

import pytest

from compare import export
from compare.chart import build_chart
from compare.selection import select_programs
from compare.table import build_table
from programs import spreadsheet
from programs.models import Program
from tests.factories import ProgramFactory
from tests.seed import ALL, HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db


def _table(*slugs):
    return build_table(select_programs(list(slugs)).programs)


def _row(table, key):
    return next(row for row in table.rows if row.key == key)


def test_selection_keeps_order_and_reports_unknown_and_repeated(catalog):
    selection = select_programs([JHU, "nope", HARVARD, JHU, "a\x00b", "x" * 500])
    assert selection.slugs == [JHU, HARVARD]
    assert selection.not_found[:2] == ["nope", "ab"]
    assert selection.not_found[2].endswith("…") and len(selection.not_found[2]) == 41
    assert selection.repeated == [JHU]


def test_selection_compares_the_first_six(catalog):
    ProgramFactory(slug="seventh")
    selection = select_programs([*ALL, "seventh"])
    assert selection.slugs == ALL
    assert [p.slug for p in selection.over_limit] == ["seventh"]


def test_selection_reads_at_most_fifty_distinct_values(catalog, django_assert_num_queries):
    """A thousand values cost one program query; nothing found, so nothing to prefetch."""
    with django_assert_num_queries(1):
        selection = select_programs([f"s{i}" for i in range(1000)] + [HARVARD])
    assert selection.ignored == 951
    assert selection.programs == []


def test_one_or_no_program_is_not_comparable(catalog):
    assert not select_programs([HARVARD]).is_comparable
    assert not select_programs([]).is_comparable


def test_rows_are_grouped_in_order(catalog):
    table = _table(HARVARD, JHU)
    assert [g.name for g in table.groups] == [
        "Cost & time",
        "Assessment & recognition",
        "Fit by role",
        "Curriculum",
        "Prerequisites",
        "Who it is for",
        "Sources",
    ]


def test_total_cost_row_shows_basis_and_marks_the_lowest(catalog):
    row = _row(_table(HARVARD, JHU, IABAC), "total_cost")
    harvard, jhu, iabac = row.cells
    assert harvard.value == "about $4,800" and harvard.note == (
        "3 courses × about $1,600. Includes the program price; what it covers is not published"
    )
    assert jhu.value == "$2,990" and jhu.best and not harvard.best
    assert iabac.value is None and not iabac.best
    assert row.differs and row.best_label == "Lowest of 2 published costs"


def test_a_hedged_or_self_described_value_is_never_ranked_alone(catalog):
    from programs.models import Citation

    Citation.objects.filter(program__slug=JHU, field="price").update(
        standing=Citation.Standing.SELF_DESCRIBED
    )
    row = _row(_table(HARVARD, JHU, IABAC), "total_cost")
    assert not any(cell.best for cell in row.cells)
    assert row.cells[1].qualifier == "according to Johns Hopkins, as the 2026 guide reports"


IABAC_FRAMEWORK_SAYS = (
    "according to IABAC, as the 2026 guide reports; says the 2026 guide (which promotes IABAC)"
)
"""IABAC's framework: "According to IABAC's published program documentation…" (IABAC's word,
as the guide reports it) and "IABAC aligns its credential structure…" (the guide's own word on
the program it promotes)."""


def test_cells_say_who_says_so_and_how_sure(catalog):
    table = _table(HARVARD, JHU, IABAC, "abaim-ai-in-medicine-certification")
    framework = _row(table, "framework").cells
    assert framework[0].qualifier == "“typically”, says the 2026 guide (which promotes IABAC)"
    assert framework[2].qualifier == IABAC_FRAMEWORK_SAYS
    recognition = _row(table, "recognition").cells[0].qualifier
    assert "in the view of the 2026 guide" in recognition
    assert "in the view of Dinc's 2022 essay" in recognition
    assert "from a 2022 source" in recognition
    assert _row(table, "source_note").cells[3].qualifier.startswith("according to ABAIM")


def test_unknown_is_not_a_difference(catalog):
    table = _table(JHU, IABAC)
    assert not _row(table, "total_cost").differs  # $2,990 vs Not published
    assert not _row(table, "cme_credit").differs  # both unknown
    assert _row(table, "framework").differs  # institution-specific vs EDISON


def test_best_needs_two_published_values(catalog):
    row = _row(_table(JHU, "stanford-ai-in-healthcare"), "total_cost")
    assert not any(cell.best for cell in row.cells)


def test_shortest_duration_counts_module_totals(catalog):
    row = _row(_table(HARVARD, JHU, "cedars-sinai-applied-ai-health-systems"), "duration")
    assert [cell.best for cell in row.cells] == [False, True, False]


def test_fit_rows_give_the_sources_words_and_who_says_so(catalog):
    table = _table("stanford-ai-in-healthcare", IABAC)
    clinicians = _row(table, "role-clinicians")
    # The guide: Stanford "is a natural fit for licensed clinicians who need CME credit…",
    # IABAC "is a practical complement when the clinician also manages teams…".
    assert [c.value for c in clinicians.cells] == [
        "Recommended for this role: “a natural fit” … “for licensed clinicians who need CME "
        "credit as part of their professional recertification”",
        "Named as an addition to another credential: “a practical complement” … “when the "
        "clinician also manages teams, evaluates vendors, or contributes to AI governance "
        "decisions”",
    ]
    assert [c.qualifier for c in clinicians.cells] == [
        "says the 2026 guide (which promotes IABAC)"
    ] * 2
    assert "CME credit" in clinicians.cells[0].quote
    assert clinicians.cells[0].quote_source.short_name == "the 2026 guide"
    # Physicians are clinicians: the clinicians' fits stand in the physicians' row, marked.
    physicians = _row(table, "role-physicians")
    assert physicians.cells[0].note == "For clinicians, which includes physicians"
    assert physicians.cells[0].value == clinicians.cells[0].value
    nursing = _row(table, "role-nursing-leaders")
    assert nursing.cells[0].value is None and nursing.cells[0].empty_text
    assert not nursing.differs


def test_only_differences_drops_agreeing_rows(catalog):
    table = _table(HARVARD, JHU).only_differences()
    keys = {row.key for row in table.rows}
    assert "format" not in keys  # both cohort
    assert "total_cost" in keys
    assert all(row.differs or row.partly_published for row in table.rows)


def test_only_differences_keeps_a_value_published_for_some(catalog):
    """Stanford's CME 'Yes' against 'Not published' is a difference a reader needs."""
    table = _table("stanford-ai-in-healthcare", JHU).only_differences()
    cme = _row(table, "cme_credit")
    assert not cme.differs and cme.partly_published
    # The guide says only that it "carries CME accreditation" (issue #24).
    assert [c.value for c in cme.cells] == ["Yes — amount, type and accreditor not published", None]


def test_every_known_cell_keeps_its_citations(catalog):
    table = _table(*ALL)
    for row in table.rows:
        if row.group in ("Cost & time", "Assessment & recognition") and row.key not in (
            "total_hours",
            "proctoring",
            "credential_kind",
        ):
            for cell in row.cells:
                if cell.known:
                    assert cell.citations, row.key


def test_chart_plots_only_programs_with_cost_and_duration(catalog):
    programs = select_programs(
        [HARVARD, JHU, IABAC, "cedars-sinai-applied-ai-health-systems"]
    ).programs
    chart = build_chart(programs)
    assert [p.program.slug for p in chart.points] == [HARVARD, JHU]
    unplotted = dict((p.slug, why) for p, why in chart.unplotted)
    assert unplotted == {
        IABAC: "cost and duration not published",
        "cedars-sinai-applied-ai-health-systems": "cost not published",
    }
    harvard, jhu = chart.points
    assert harvard.x > jhu.x and harvard.y < jhu.y  # longer and dearer: right and up
    for point in chart.points:
        assert chart.left <= point.x <= chart.right and chart.top <= point.y <= chart.bottom


def test_chart_with_nothing_to_plot(catalog):
    chart = build_chart(select_programs([IABAC, "abaim-ai-in-medicine-certification"]).programs)
    assert chart.points == [] and len(chart.unplotted) == 2


def test_csv_has_one_column_per_program_and_blank_unknowns(catalog):
    text = export.to_csv(_table(HARVARD, IABAC))
    assert text.startswith(export.BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(export.BOM))))
    assert rows[0] == [
        "Group",
        "Fact",
        "Harvard: AI in Health Care Certificate",
        "Harvard: AI in Health Care Certificate (who says, how sure)",
        "IABAC: AI in healthcare certification (title not published)",
        "IABAC: AI in healthcare certification (title not published) (who says, how sure)",
    ]
    total = next(r for r in rows[1:] if r[1] == "Total cost")
    derived = "Derived from the price per course × the number of courses"
    assert total[2:] == ["about $4,800", derived, "", ""]
    framework = next(r for r in rows[1:] if r[1] == "Framework alignment")
    assert framework[3] == "“typically”, says the 2026 guide (which promotes IABAC)"
    assert framework[5] == IABAC_FRAMEWORK_SAYS


def test_json_uses_null_for_unknown_never_zero(catalog):
    data = export.to_json(_table(JHU, IABAC), url="http://x/compare/")
    jhu, iabac = data["programs"]
    assert jhu["total_cost"] == 2990.0 and jhu["total_weeks"] == 10.0
    assert iabac["total_cost"] is None and iabac["total_weeks"] is None
    assert iabac["cme_credit"] is None
    total = next(r for r in data["rows"] if r["key"] == "total_cost")
    assert total["values"][IABAC]["value"] is None
    jhu_total = total["values"][JHU]
    assert jhu_total["source"][0]["quote"].startswith("Johns Hopkins' AI")
    assert jhu_total["approximate"] is False and total["values"][IABAC]["approximate"] is None
    assert jhu_total["source_date"] == ["undated; its text says 2026"]
    framework = next(r for r in data["rows"] if r["key"] == "framework")["values"]
    assert framework[IABAC]["stated_by"] == IABAC_FRAMEWORK_SAYS
    assert framework[IABAC]["source"][0]["promotes"] == "IABAC"


def test_derived_cost_follows_edits(catalog):
    Program.objects.filter(slug=JHU).update(price_amount=Decimal("5000"))
    row = _row(_table(HARVARD, JHU), "total_cost")
    assert [c.best for c in row.cells] == [True, False]


def test_summary_keeps_key_rows_without_quotes(catalog):
    from compare.table import build_summary

    summary = build_summary(select_programs([HARVARD, JHU, IABAC]).programs)
    keys = [row.key for row in summary.rows]
    assert keys[:3] == ["total_cost", "duration", "weekly_hours"]
    assert "fit" in keys and "last_verified" in keys and "recognition" not in keys
    assert all(not cell.citations for row in summary.rows for cell in row.cells)
    fit = next(row for row in summary.rows if row.key == "fit")
    # Grading words, each once with its roles; one judge for all, said once by the row.
    assert fit.cells[1].value == "“strong academic depth”: Clinicians"
    assert fit.label == "Fit by role (says the 2026 guide (which promotes IABAC))"
    iabac = fit.cells[2].value
    assert iabac.startswith("“a direct match”: Hospital administrators, Hospital operations")
    assert iabac.endswith("its described audience: Nursing leaders")


def test_json_marks_a_free_program_as_priced_not_unknown(catalog):
    ProgramFactory(slug="free", priced=True, price_amount=Decimal("0"))
    data = export.to_json(_table(JHU, "free"), url="http://x/compare/")
    free = data["programs"][1]
    assert free["total_cost"] == 0.0
    assert free["total_cost_is_approximate"] is False


def test_chart_labels_stay_inside_the_plot_and_apart(db):
    from decimal import Decimal

    from compare.chart import CHAR_WIDTH, LABEL_HEIGHT
    from tests.factories import ProgramFactory

    programs = [
        ProgramFactory(priced=True, price_amount=Decimal(cost), duration_weeks=Decimal(weeks))
        for cost, weeks in ((1000, 10), (1010, 10.2), (5000, 40), (900, 1))
    ]
    for program in programs:
        program.provider.short_name = "A rather long provider name"
    chart = build_chart(programs)
    spans = []
    for point in chart.points:
        width = len(point.label) * CHAR_WIDTH
        left = point.label_x if point.anchor == "start" else point.label_x - width
        assert left >= chart.left, "a label never runs over the y-axis numbers"
        spans.append((left, left + width, point.label_y))
    for i, (a1, a2, ay) in enumerate(spans):
        for b1, b2, by in spans[i + 1 :]:
            if a1 < b2 and b1 < a2:
                assert abs(ay - by) >= LABEL_HEIGHT, "overlapping labels are moved apart"


def test_chart_has_both_axis_labels_with_units(client, catalog):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    response = client.get(reverse("compare:index"), {"programs": [HARVARD, JHU]})
    svg = BeautifulSoup(response.content, "html.parser").find("svg", class_="chart__svg")
    labels = [t.get_text() for t in svg.find_all("text", class_="chart__axis-label")]
    assert labels == ["Total weeks", "Total cost (USD)"]
    assert "about $4,800" in svg.find("desc").get_text()


def test_weeks_at_the_reader_s_pace_are_derived_only_where_hours_are_published(catalog):
    from compare.table import build_table

    ProgramFactory(
        slug="paced", format="self_paced", duration_weeks=10, weekly_hours_min=2, weekly_hours_max=3
    )
    table = build_table(
        select_programs([HARVARD, IABAC, "paced"]).programs, weekly_hours=Decimal(4)
    )
    row = _row(table, "weeks_at_pace")
    assert row.label == "Weeks at your 4 hours a week (derived)"
    harvard, iabac, paced = row.cells
    # Harvard is a cohort: "fixed start dates", modules that "run approximately five weeks".
    assert harvard.value is None
    assert harvard.empty_text.startswith(
        "Cohort with fixed start dates: its own schedule, about 15"
    )
    # IABAC is self-paced, but publishes no weekly hours.
    assert iabac.value is None and iabac.empty_text.startswith("Cannot be derived")
    assert paced.value == "about 5–8 weeks at 4 hours a week"
    assert not any(r.key == "weeks_at_pace" for r in _table(HARVARD, JHU).rows)


@pytest.mark.parametrize("hours", ["abc", "-1", "1e309", "9" * 500, "NaN"])
def test_bad_hours_on_the_compare_page_get_a_message(client, catalog, hours):
    from django.urls import reverse

    response = client.get(reverse("compare:index"), {"programs": [HARVARD, JHU], "hours": hours})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_hours-error"' in html
    assert "Weeks at your" not in html


def test_the_compare_page_shows_weeks_at_your_pace_and_keeps_it_on_the_form(client, catalog):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    ProgramFactory(
        slug="paced", format="self_paced", duration_weeks=10, weekly_hours_min=2, weekly_hours_max=3
    )
    response = client.get(
        reverse("compare:index"), {"programs": ["paced", JHU], "hours": "4", "diff": "1"}
    )
    page = BeautifulSoup(response.content, "html.parser")
    label = page.find(
        lambda t: (
            t.name == "th"
            and "compare-table__label" in t.get("class", [])
            and t.get_text().strip().startswith("Weeks at your 4 hours")
        )
    )
    cells = [" ".join(td.get_text().split()) for td in label.find_parent("tr").find_all("td")]
    assert cells[0] == "about 5–8 weeks at 4 hours a week"
    assert cells[1].startswith("Cohort with fixed start dates: its own schedule, 10 weeks")
    form = page.find("form", class_="compare-pace")
    assert form.find("input", attrs={"name": "hours"})["value"] == "4"
    assert form.find("input", attrs={"name": "diff"})["value"] == "1"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("=1+1", "'=1+1"),
        ("about $4,800", "about $4,800"),
        ("“typically”, says the 2026 guide", "“typically”, says the 2026 guide"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_neutralises_only_formula_starts(cell, written):
    assert spreadsheet.spreadsheet_safe(cell) == written

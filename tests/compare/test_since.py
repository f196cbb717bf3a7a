"""A comparison opened with ?since=<date> marks each cell that changed since then (issue #20).

The seed is loaded during the test, so its history is moved back to 1 October 2026 first: the
catalogue as a reader would have seen it in October, then edited in December.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from compare.changes import changes_since
from programs import support
from programs.history import CATALOGUE_MODELS
from programs.models import Citation, Module, Program
from tests.seed import ALL, CEDARS, HARVARD, JHU, STANFORD
from tests.sourcing import new_page, reprice

pytestmark = pytest.mark.django_db

OCTOBER = timezone.make_aware(datetime(2026, 10, 1, 9, 0))
SINCE = "2026-11-01"


@pytest.fixture
def october_catalog(catalog):
    for model in CATALOGUE_MODELS:
        model.history.update(history_date=OCTOBER)
    return catalog


def _page(client, slugs, **extra) -> BeautifulSoup:
    response = client.get(reverse("compare:index"), {"programs": slugs, **extra})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _changed_cells(page: BeautifulSoup) -> dict[tuple[str, int], str]:
    """{(row label, column number): 'was: …'} for each cell marked as changed."""
    marked = {}
    for tr in page.select(".compare-table tbody tr"):
        label = tr.find("th", scope="row")
        for column, td in enumerate(tr.find_all("td")):
            badge = td.select_one(".badge--changed")
            if label and badge:
                assert badge.get_text(" ", strip=True) == "changed since 1 November 2026"
                marked[(label.contents[0].strip(), column)] = td.select_one(".facts__was").get_text(
                    strip=True
                )
    return marked


def _add_harvard_module() -> None:
    harvard = Program.objects.get(slug=HARVARD)
    sentence = "It is now a four-module program."
    document = new_page(sentence)
    with support.deferred():
        for field in ("course_count", "modules"):
            harvard.citations.filter(field=field).update(superseded=True)
            Citation.objects.create(program=harvard, field=field, document=document, quote=sentence)
        Module.objects.create(
            program=harvard, position=4, title="Module 4", weeks=5, weeks_is_approximate=True
        )


def test_the_johns_hopkins_price_change_is_marked_with_its_old_value(client, october_catalog):
    reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    page = _page(client, [HARVARD, JHU], since=SINCE)
    assert _changed_cells(page) == {("Total cost", 1): "was: $2,990"}
    cost = next(
        tr
        for tr in page.select(".compare-table tbody tr")
        if (label := tr.find("th", scope="row")) and label.contents[0].strip() == "Total cost"
    )
    assert "$3,290" in cost.find_all("td")[1].get_text()
    notice = page.select_one(".message--since").get_text(" ", strip=True)
    assert notice.startswith("1 fact changed since 1 November 2026")


def test_a_fourth_harvard_module_marks_the_cost_duration_and_modules(client, october_catalog):
    _add_harvard_module()
    marked = _changed_cells(_page(client, [JHU, HARVARD], since=SINCE))
    assert marked[("Total cost", 1)] == "was: about $4,800"
    assert marked[("Duration", 1)].startswith("was: about 15 weeks")
    assert ("Modules", 1) in marked
    assert all(column == 1 for _, column in marked)  # Johns Hopkins did not change


def test_nothing_is_marked_when_nothing_changed_and_before_the_date(client, october_catalog):
    page = _page(client, ALL, since=SINCE)
    assert _changed_cells(page) == {}
    notice = page.select_one(".message--since").get_text(" ", strip=True)
    assert notice.startswith("No fact of these programs changed since 1 November 2026")
    # Asked from before the catalogue existed, every program is said to be new, none marked.
    page = _page(client, [CEDARS, STANFORD], since="2026-09-01")
    notice = page.select_one(".message--since").get_text(" ", strip=True)
    assert "was not in the catalogue then" in notice
    assert _changed_cells(page) == {}


def test_a_change_after_the_date_asked_about_is_not_marked(client, october_catalog):
    reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert _changed_cells(_page(client, [HARVARD, JHU], since=f"{tomorrow:%Y-%m-%d}")) == {}


@pytest.mark.parametrize(
    "junk", ["yesterday", "2026-13-40", "1200-01-01", "2026-11-01\x00", "9" * 40]
)
def test_a_bad_date_is_reported_and_the_comparison_still_shown(client, october_catalog, junk):
    page = _page(client, [HARVARD, JHU], since=junk)
    assert page.select_one("#id_since-error")
    assert page.select_one(".compare-table")
    assert not page.select(".message--since")


def test_the_earlier_state_is_rebuilt_without_http(october_catalog):
    reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    programs = list(Program.objects.published().for_detail().filter(slug__in=[JHU, HARVARD]))
    since = changes_since(programs, timezone.datetime(2026, 11, 1).date())
    jhu = next(p for p in programs if p.slug == JHU)
    assert since.was == {(jhu.pk, "total_cost"): "$2,990"}


@pytest.mark.parametrize("slugs", [ALL[:2], ALL[:5]])
def test_marking_changes_costs_six_queries_whatever_the_number_of_programs(
    client, october_catalog, slugs, django_assert_num_queries
):
    from tests.compare.test_pages import COMPARE_QUERIES

    # The earlier programs, modules, citations, cohorts (issue #24), documents, topics.
    with django_assert_num_queries(COMPARE_QUERIES + 6):
        response = client.get(reverse("compare:index"), {"programs": slugs, "since": SINCE})
    assert response.status_code == 200


def test_the_print_summary_records_its_date_and_the_address_to_come_back_to(
    client, october_catalog
):
    reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    response = client.get(reverse("compare:print"), {"programs": [HARVARD, JHU], "since": SINCE})
    page = BeautifulSoup(response.content, "html.parser")
    today = timezone.localdate()
    address = page.select_one("a.print-summary__address")["href"]
    assert address == (
        f"http://testserver/compare/?programs={HARVARD}&programs={JHU}&since={today:%Y-%m-%d}"
    )
    assert _changed_cells(page) == {("Total cost", 1): "was: $2,990"}

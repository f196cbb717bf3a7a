import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until_scrolled
from tests.browser.test_accessibility import axe_violations
from tests.seed import ALL

pytestmark = pytest.mark.browser

SIX = "/compare/?" + "&".join(f"programs={slug}" for slug in ALL)

THREE = (
    "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
    "&programs=iabac-ai-in-healthcare"
)


def test_tick_three_compare_toggle_remove_and_download(page):
    assert page.goto("/programs/").status == 200
    for name in ("AI in Health Care Certificate", "AI in Healthcare Certificate Program"):
        page.get_by_role("checkbox", name=f"Compare {name}", exact=True).check()
    page.get_by_role(
        "checkbox", name="Compare AI in healthcare certification (title not published)", exact=True
    ).check()
    page.get_by_role("button", name="Compare selected").first.click()

    expect(page).to_have_url(re.compile(r"/compare/\?programs="))
    table = page.locator(".compare-table")
    expect(table.locator("thead th.compare-table__program")).to_have_count(3)
    expect(table.locator(".badge--best").first).to_have_text("Lowest of 2 published costs")
    expect(table).to_contain_text("Not published")

    page.get_by_role("link", name="Only show differences").click()
    expect(page.locator("caption")).to_contain_text("only rows where they differ")
    expect(table.locator("th.compare-table__label", has_text="Platform")).to_have_count(0)

    page.get_by_role(
        "link", name="Remove AI in healthcare certification (title not published)"
    ).click()
    expect(table.locator("thead th.compare-table__program")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"diff=1"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("certcatalog-comparison-")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode()), "UTF-8 with BOM, so spreadsheets read accents"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][2:] == [
        "Harvard: AI in Health Care Certificate",
        "Harvard: AI in Health Care Certificate (who says, how sure)",
        "Johns Hopkins: AI in Healthcare Certificate Program",
        "Johns Hopkins: AI in Healthcare Certificate Program (who says, how sure)",
    ]


def test_phone_shows_two_programs_side_by_side_with_labels_above(phone_page):
    assert phone_page.goto(THREE).status == 200
    scroller = phone_page.locator(".compare-scroll")
    box = scroller.bounding_box()
    programs = phone_page.locator("th.compare-table__program")
    for i in range(2):
        cell = programs.nth(i).bounding_box()
        assert (
            cell["x"] >= box["x"] - 1 and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
        )
    header = phone_page.locator(".compare-table thead").bounding_box()
    assert header["height"] <= 0.25 * 844, "the header takes little of the screen"
    label = phone_page.locator(".compare-table__label-row", has_text="Total cost")
    expect(label).to_be_visible()
    value = phone_page.locator("td", has_text="about $4,800").first
    assert label.bounding_box()["y"] < value.bounding_box()["y"], "the label sits above"

    # Scrolling sideways keeps the label in view; scrolling down keeps the names on top.
    span = label.locator("span")
    before = span.bounding_box()["x"]
    scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
    wait_until_scrolled(phone_page, "document.querySelector('.compare-scroll').scrollLeft > 0")
    assert abs(span.bounding_box()["x"] - before) < 1
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # The table has no box of its own to scroll down in (issue #24): the page scrolls, and the
    # names come along to the top of the screen.
    assert scroller.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    phone_page.mouse.wheel(0, 1500)
    wait_until_scrolled(phone_page, "window.scrollY > 1000")
    first = programs.first.bounding_box()
    assert -1 <= first["y"] <= 2


def test_six_programs_fit_at_1280_and_names_stay_on_top(page):
    assert page.goto(SIX).status == 200
    programs = page.locator("th.compare-table__program")
    expect(programs).to_have_count(6)
    for i in range(6):
        cell = programs.nth(i).bounding_box()
        assert cell["x"] + cell["width"] <= 1280, f"column {i + 1} is off screen"
    page.mouse.wheel(0, 1500)
    wait_until_scrolled(page, "window.scrollY > 1000")
    assert abs(programs.first.bounding_box()["y"]) < 2, "names stay pinned at the top"


def test_compare_with_from_a_detail_page(page):
    assert page.goto("/programs/johns-hopkins-ai-in-healthcare/").status == 200
    page.get_by_role("link", name="Compare with…").click()
    expect(page.get_by_text("Pick at least one more program")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("AI in Healthcare Specialization")).check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.locator("thead th.compare-table__program")).to_have_count(2)


def test_axe_passes_on_the_compare_page(page):
    assert page.goto(THREE + "&diff=1").status == 200
    blocking, _ = axe_violations(page)
    assert not blocking, blocking


@pytest.mark.parametrize("count", [2, 6])
def test_print_summary_fits_on_one_landscape_page(page, count):
    slugs = ALL[:count]
    assert page.goto("/compare/print/?" + "&".join(f"programs={s}" for s in slugs)).status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("comparison summary")
    pdf = page.pdf(prefer_css_page_size=True)
    # The table keeps its one landscape page; the footnoted sentences and questions follow it
    # (issue #23: every figure in the summary has its numbered source footnote).
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True).stdout
    pages = [p for p in text.decode().split("\f") if p.strip()]
    assert "Last checked against sources" in " ".join(pages[0].split()), f"{count} programs"
    assert "Questions to ask the providers" in " ".join(pages[1].split())

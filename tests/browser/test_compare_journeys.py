import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

THREE = (
    "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
    "&programs=iabac-ai-in-healthcare"
)


def test_tick_three_compare_toggle_remove_and_download(page):
    page.goto("/programs/")
    for name in ("AI in Health Care Certificate", "AI in Healthcare Certificate Program"):
        page.get_by_role("checkbox", name=f"Compare {name}", exact=True).check()
    page.get_by_role("checkbox", name="Compare AI in Healthcare Certification", exact=True).check()
    page.get_by_role("button", name="Compare selected").first.click()

    expect(page).to_have_url(re.compile(r"/compare/\?programs="))
    table = page.locator(".compare-table")
    expect(table.locator("thead th.compare-table__program")).to_have_count(3)
    expect(table.locator(".badge--best").first).to_have_text("Lowest of 2 published costs")
    expect(table).to_contain_text("Not published")

    page.get_by_role("link", name="Only show differences").click()
    expect(page.locator("caption")).to_contain_text("only rows where they differ")
    expect(table.locator("th.compare-table__label", has_text="Platform")).to_have_count(0)

    page.get_by_role("link", name="Remove AI in Healthcare Certification").click()
    expect(table.locator("thead th.compare-table__program")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"diff=1"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("certcatalog-comparison-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][0].startswith("A blank value means the sources do not publish it")
    assert rows[1][2:] == [
        "Harvard: AI in Health Care Certificate",
        "Harvard: AI in Health Care Certificate (who says, how sure)",
        "Johns Hopkins: AI in Healthcare Certificate Program",
        "Johns Hopkins: AI in Healthcare Certificate Program (who says, how sure)",
    ]


def test_phone_keeps_the_first_column_visible_while_scrolling(phone_page):
    phone_page.goto(THREE)
    scroller = phone_page.locator(".compare-scroll")
    label = phone_page.locator("th.compare-table__label", has_text="Total cost")
    before = label.bounding_box()
    scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
    phone_page.wait_for_timeout(100)
    assert scroller.evaluate("el => el.scrollLeft") > 0
    after = label.bounding_box()
    assert abs(after["x"] - before["x"]) < 1
    assert after["x"] >= 0
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    # Scrolling down the rows keeps the program names in view.
    header = phone_page.locator("th.compare-table__program").first
    scroller.evaluate("el => el.scrollTop = 400")
    phone_page.wait_for_timeout(100)
    assert scroller.evaluate("el => el.scrollTop") > 0
    box_top = scroller.bounding_box()["y"]
    assert abs(header.bounding_box()["y"] - box_top) < 2  # pinned to the top of the scroller


def test_compare_with_from_a_detail_page(page):
    page.goto("/programs/johns-hopkins-ai-in-healthcare/")
    page.get_by_role("link", name="Compare with…").click()
    expect(page.get_by_text("Pick at least one more program")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("AI in Healthcare Specialization")).check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.locator("thead th.compare-table__program")).to_have_count(2)


def test_axe_passes_on_the_compare_page(page):
    page.goto(THREE + "&diff=1")
    blocking, _ = axe_violations(page)
    assert not blocking, blocking


@pytest.mark.parametrize("count", [2, 6])
def test_print_summary_fits_on_one_landscape_page(page, count):
    slugs = [
        "harvard-ai-in-health-care",
        "johns-hopkins-ai-in-healthcare",
        "iabac-ai-in-healthcare",
        "cedars-sinai-applied-ai-health-systems",
        "stanford-ai-in-healthcare",
        "abaim-ai-in-medicine-certification",
    ][:count]
    page.goto("/compare/print/?" + "&".join(f"programs={s}" for s in slugs))
    expect(page.get_by_role("heading", level=1)).to_contain_text("comparison summary")
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{count} programs print on {pages} pages"

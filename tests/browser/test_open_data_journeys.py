"""Taking the catalogue away (issue #13), as a reader does it in Chromium."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_reader_downloads_the_programs_they_filtered(page):
    """Filter the list, then download it: the file holds the programs on screen, in order."""
    assert page.goto("/programs/").status == 200
    page.get_by_role("checkbox", name=re.compile(r"^Clinicians")).check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="5 of 6 programs")).to_be_visible()
    shown = page.locator(".program-card__title a").all_inner_texts()

    download_line = page.locator("#download")
    expect(download_line).to_contain_text("Download these 5 programs")
    with page.expect_download() as download_info:
        download_line.get_by_role("link", name="CSV (spreadsheet)").click()
    download = download_info.value
    assert re.fullmatch(r"certcatalog-programs-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    raw = Path(download.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == shown
    iabac = next(row for row in rows if row["slug"] == "iabac-ai-in-healthcare")
    assert iabac["price_amount"] == ""  # not published: empty, never 0
    assert iabac["format: who says, how sure"] == "according to IABAC, as the 2026 guide reports"

    with page.expect_download() as download_info:
        download_line.get_by_role("link", name="JSON").click()
    document = json.loads(Path(download_info.value.path()).read_text())
    assert [program["name"] for program in document["programs"]] == shown


def test_a_program_page_carries_its_structured_data(page):
    """Search engines read the JSON-LD block; the page's CSP (checked by the fixture) allows it."""
    assert page.goto("/programs/johns-hopkins-ai-in-healthcare/").status == 200
    data = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert data["@type"] == "Course"
    assert data["offers"]["price"] == 2990
    assert (
        page.locator('link[rel="canonical"]')
        .get_attribute("href")
        .endswith("/programs/johns-hopkins-ai-in-healthcare/")
    )

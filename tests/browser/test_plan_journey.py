"""The hospital administrator's team plan in Chromium (issue #23): built through the form at
desktop and phone widths, printed, and taken away as a PDF and a CSV that hold the plan on
screen."""

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.seed import ALL, HARVARD, JHU

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/certcatalog-plan-journey")
TEAM = [
    ("Nursing leaders", "3"),
    ("Clinical informatics professionals", "2"),
    ("Hospital operations managers", "1"),
]


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.decode().split())


def _pages(pdf: bytes) -> list[str]:
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True)
    return [" ".join(p.split()) for p in done.stdout.decode().split("\f") if p.strip()]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_administrator_builds_a_plan_and_takes_it_away(request, width):
    page = request.getfixturevalue("page" if width == 1280 else "phone_page")
    SHOTS.mkdir(exist_ok=True)
    assert page.goto("/plans/team/").status == 200
    for index, (role, people) in enumerate(TEAM):
        page.locator(f"#row{index}-role").select_option(label=role)
        page.locator(f"#row{index}-people").fill(people)
    page.get_by_label("Total budget (USD)").fill("15000")
    page.get_by_label("Deadline (weeks from now)").fill("12")
    page.get_by_role("button", name="Make the plan").click()

    rows = page.locator("tr.plan-table__row")
    expect(rows).to_have_count(3)
    expect(page.locator("#plan-total .plan-figure")).to_have_text("IABAC (6 seats): not published")
    on_screen = [
        [
            row.locator(".plan-table__role").inner_text(),
            row.locator(".plan-table__people").inner_text(),
            row.locator(".plan-table__program > a").inner_text(),
            *row.locator(".plan-figure").all_inner_texts(),
        ]
        for row in rows.all()
    ]
    assert [r[:2] for r in on_screen] == [[role, people] for role, people in TEAM]
    address = page.locator(".team-plan__address").inner_text()
    assert address == page.url
    actions = page.locator(".team-plan__brief")
    expect(actions.get_by_role("button", name="Print")).to_be_visible()  # shown by print.js
    page.screenshot(path=SHOTS / f"plan-{width}.png", full_page=True)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    raw = Path(csv_download.value.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(raw)))
    header = ["Role", "Head count", "Program or module", "Seat cost", "Total", "Weeks", "Source"]
    assert table[0] == header
    assert [row[:6] for row in table[1:-1]] == on_screen
    assert table[-1][:2] == ["All roles", "6"]
    assert table[-1][4] == page.locator("#plan-total .plan-figure").inner_text()

    with page.expect_download() as pdf_download:
        actions.get_by_role("link", name="Download PDF").click()
    name = pdf_download.value.suggested_filename
    assert re.fullmatch(r"certcatalog-team-plan-brief-\d{4}-\d{2}-\d{2}\.pdf", name)
    text = _text(Path(pdf_download.value.path()).read_bytes())
    assert address in text.replace(" ", "")
    assert "6 people in 3 rows; total budget $15,000; deadline 12 weeks." in text
    assert "All roles 6 IABAC (6 seats): not published" in text
    for role, people in TEAM:
        assert f"{role} {people} IABAC" in text
    assert "Do you offer group or volume pricing for 6 people?" in text
    assert "Confirm every figure with the provider before you enrol." in text

    actions.get_by_role("link", name="Brief for approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Team training plan: brief for approval"
    )
    expect(page.locator(".brief__actions").get_by_role("button", name="Print")).to_be_visible()
    expect(page.locator(".brief__address")).to_have_text(address)
    # Nothing on the brief is wider than the screen (the address wraps, the table reflows).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SHOTS / f"brief-{width}.png", full_page=True)


def test_the_print_button_opens_the_print_dialogue(page):
    assert page.goto(f"/plans/stack/brief/?programs={HARVARD}&programs={JHU}").status == 200
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")


def test_without_javascript_there_is_no_dead_print_button(browser, live_server, committed_catalog):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    assert page.goto(f"/plans/stack/brief/?programs={HARVARD}&programs={JHU}").status == 200
    expect(page.get_by_role("button", name="Print")).to_have_count(0)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    context.close()


def test_the_compare_page_prints_the_table_not_the_controls(page):
    query = "&".join(f"programs={slug}" for slug in ALL[:3])
    assert page.goto(f"/compare/?{query}").status == 200
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    text = _text(page.pdf())
    assert "Total cost" in text and "about $4,800" in text  # the table
    for control in [
        "Your hours a week",
        "Show weeks at your pace",
        "Mark what changed since",
        "Download CSV",
        "Print summary",
        "Add a program",
        "Programs Find a fit",  # the header navigation
    ]:
        assert control not in text, control


def test_the_comparison_summary_prints_its_table_on_page_one_and_the_sentences_after(page):
    """Six programs' table still fits one landscape page; the footnotes' sentences follow."""
    assert page.goto("/compare/print/?" + "&".join(f"programs={s}" for s in ALL)).status == 200
    pages = _pages(page.pdf(prefer_css_page_size=True))
    assert "Last checked against sources" in pages[0]
    assert "Source sentences" not in pages[0]
    assert pages[1].startswith("Questions to ask the providers")
    assert "Source sentences" in pages[1]
    assert "priced at roughly $1,600 per course" in " ".join(pages[1:])


def test_the_plan_and_stack_pages_print_the_plan_not_the_form(page):
    team = (
        "/plans/team/?role=nursing-leaders&people=3&program=&role=clinical-informatics&people=2"
        "&program=&role=operations-managers&people=1&program=&budget=15000&weeks=12&hours="
    )
    assert page.goto(team).status == 200
    text = _text(page.pdf())
    assert "IABAC (6 seats): not published" in text
    for control in ["Who is being trained", "Budget and time", "Leave a row empty", "Print"]:
        assert control not in text, control
    assert page.goto(f"/plans/stack/?programs={HARVARD}&programs={JHU}").status == 200
    text = _text(page.pdf())
    assert "about $7,790" in text
    assert "Add a program or module" not in text

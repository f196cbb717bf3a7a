"""Readers in Chromium (issue #21): the finder says what the sources say for their role."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _ask(page, **answers):
    assert page.goto("/finder/").status == 200
    page.get_by_label("Your role").select_option(answers["role"])
    if "budget" in answers:
        page.get_by_label("Budget (USD)").fill(answers["budget"])
    if "hours" in answers:
        page.get_by_label("Hours a week you can study").fill(answers["hours"])
    page.get_by_role("button", name="Rank the programs").click()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_a_nurse_leader_with_3000_and_4_hours(page, viewport):
    page.set_viewport_size(viewport)
    _ask(page, role="nursing-leaders", budget="3000", hours="4")
    expect(page.locator("#ranking")).to_have_text("The sources name 1 program for nursing leaders")
    named = page.locator("ol.finder-list > li.finder-match")
    expect(named).to_have_count(1)
    expect(named.first).to_contain_text("AI in healthcare certification (title not published)")
    expect(named.first.locator(".finder-match__fit")).to_contain_text(
        "Its described audience includes this role (not a recommendation)"
    )
    # No "Compare the top 3" of programs the page itself says are not named for her.
    expect(page.get_by_role("link", name=re.compile("Compare the top"))).to_have_count(0)
    harvard = page.locator(".finder-not-named #match-harvard-ai-in-health-care")
    expect(harvard.locator(".judgement--low_end")).to_contain_text("at the low end")
    expect(harvard.locator(".judgement--not_met")).to_contain_text("$1,800 over your budget")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"finder-nurse-leader-{viewport['width']}.png", full_page=True
    )


def test_an_administrator_with_3000_compares_what_the_guide_names(page):
    _ask(page, role="hospital-administrators", budget="3000")
    first = page.locator("ol.finder-list > li.finder-match").first
    expect(first).to_contain_text("AI in healthcare certification (title not published)")
    expect(first.locator(".fit__grade")).to_have_text("“a direct match”")
    harvard = page.locator("#match-harvard-ai-in-health-care")
    expect(harvard.locator(".fit__module")).to_contain_text("Innovation strategy")
    expect(harvard.locator(".judgement--met")).to_contain_text(
        "The Innovation strategy module costs about $1,600: within your budget."
    )
    page.get_by_role("link", name="Compare the top 3").click()
    expect(page).to_have_url(re.compile(r"role=hospital-administrators"))
    row = page.locator(
        ".compare-table tr", has=page.locator("th[scope=row]", has_text="(your role)")
    )
    expect(row.locator("th[scope=row]")).to_contain_text("Hospital administrators (your role)")
    expect(row).to_contain_text("One module only: Innovation strategy")
    expect(row).to_contain_text("“a direct match”")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "finder-administrator-compare-1280.png", full_page=True)

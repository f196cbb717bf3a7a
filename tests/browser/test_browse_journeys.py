import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def _card_titles(page, group=None):
    return page.locator(".program-card__title a").all_inner_texts()


def test_clinician_with_3000_dollars(page):
    assert page.goto("/programs/").status == 200
    expect(page.get_by_role("heading", name="6 of 6 programs")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(r"^Clinicians")).check()
    page.get_by_label("Budget (USD)").fill("3000")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"role=clinicians.*max_cost=3000"))
    expect(page.get_by_role("heading", name="4 of 6 programs")).to_be_visible()
    matches = page.locator(".results__group", has_text="Within your limits")
    expect(matches).to_be_visible()
    jhu = page.locator(".program-card", has_text="AI in Healthcare Certificate Program")
    expect(jhu).to_contain_text("$2,990")
    expect(page.get_by_role("link", name="AI in Health Care Certificate")).to_have_count(0)

    unpublished = page.get_by_role("heading", name="Cost not published — check with the provider")
    expect(unpublished).to_be_visible()
    expect(page.locator(".program-card__warning")).to_have_count(3)
    assert set(_card_titles(page)) == {
        "AI in Healthcare Certificate Program",
        "AI in healthcare certification (title not published)",
        "AI in Healthcare Specialization",
        "AI in medicine certification (title not published)",  # for physicians, who are clinicians
    }
    # The form remembers the state.
    expect(page.get_by_label("Budget (USD)")).to_have_value("3000")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Clinicians"))).to_be_checked()


def test_removing_a_chip_widens_the_list(page):
    assert page.goto("/programs/?role=clinicians&max_cost=3000").status == 200
    expect(page.get_by_role("heading", name="4 of 6 programs")).to_be_visible()
    page.get_by_role("link", name=re.compile("Budget: up to \\$3,000")).click()
    expect(page.get_by_role("heading", name="5 of 6 programs")).to_be_visible()
    expect(page.get_by_role("link", name="AI in Health Care Certificate")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="4 of 6 programs")).to_be_visible()


def test_the_url_reproduces_the_state_in_a_new_page(page):
    assert page.goto("/programs/").status == 200
    page.get_by_role("checkbox", name=re.compile(r"^Completion-based")).check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 of 6 programs")).to_be_visible()
    url = page.url

    other = page.context.new_page()
    assert other.goto(url).status == 200
    expect(other.get_by_role("heading", name="1 of 6 programs")).to_be_visible()
    expect(other.get_by_role("checkbox", name=re.compile(r"^Completion-based"))).to_be_checked()
    assert _card_titles(other) == ["AI in Healthcare Specialization"]
    other.close()


def test_axe_passes_on_a_filtered_page(page):
    assert (
        page.goto("/programs/?role=clinicians&max_cost=3000&max_weeks=abc&cme=unknown").status
        == 200
    )
    blocking, _ = axe_violations(page)
    assert not blocking, blocking

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page, public_paths

pytestmark = pytest.mark.browser


def test_home_to_a_program_and_back(page):
    assert page.goto("/").status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("AI in healthcare certifications")
    page.get_by_role("link", name="AI in Healthcare Certificate Program").click()
    expect(page).to_have_url(re.compile(r"/programs/johns-hopkins-ai-in-healthcare/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "AI in Healthcare Certificate Program"
    )
    expect(page.locator("#fact-total_cost")).to_contain_text("$2,990")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="All 6 programs")).to_be_visible()


def test_keyboard_only_skip_link_then_a_program(page):
    assert page.goto("/").status == 200
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    focused = page.locator(":focus")
    for _ in range(40):  # past the search box and role links to the first program card
        page.keyboard.press("Tab")
        href = focused.get_attribute("href") or ""
        if re.fullmatch(r"/programs/[\w-]+/", href):
            break
    else:
        pytest.fail("Tab never reached a program link")
    expect(focused).to_be_visible()
    name = focused.inner_text()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/programs/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


@pytest.mark.parametrize("width", [390, 360])
def test_no_page_scrolls_sideways_on_a_phone(phone_page, width):
    phone_page.set_viewport_size({"width": width, "height": 844})
    for name, path in public_paths():
        open_page(phone_page, name, path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} ({path}) scrolls sideways by {overflow}px at {width}px"


def test_staff_price_change_shows_on_the_public_page(page, staff_login):
    username, password = staff_login
    assert page.goto("/admin/").status == 200
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    assert page.goto("/admin/programs/program/?q=Johns+Hopkins").status == 200
    page.get_by_role("link", name="AI in Healthcare Certificate Program").click()
    page.locator("#id_price_amount").fill("3250.00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.goto("/programs/johns-hopkins-ai-in-healthcare/").status == 200
    expect(page.locator("#fact-total_cost")).to_contain_text("$3,250")

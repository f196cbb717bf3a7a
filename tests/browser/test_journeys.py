import re

import pytest
from playwright.sync_api import expect

from programs.models import Citation, Program
from tests.browser.conftest import SCREENSHOTS, cite_in_inline, open_page, public_paths
from tests.seed import JHU
from tests.sourcing import new_page

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


@pytest.mark.parametrize("on", ["page", "phone_page"], ids=["1280", "390"])
def test_staff_price_change_needs_its_source_and_then_shows_on_the_public_page(
    request, on, staff_login
):
    """Issue #20 on a desktop and on a phone: the price is refused beside its field until the
    editor cites a sentence that gives it; then the page shows it with that sentence."""
    page = request.getfixturevalue(on)
    program = Program.objects.get(slug=JHU)
    sentence = "The AI in Healthcare Certificate Program now costs $3,250."
    document = new_page(sentence)
    old = [c.field for c in Citation.objects.filter(program=program)].index("price")
    username, password = staff_login
    assert page.goto("/admin/").status == 200
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    assert page.goto("/admin/programs/program/?q=Johns+Hopkins").status == 200
    page.get_by_role("link", name="AI in Healthcare Certificate Program").click()
    page.locator("#id_price_amount").fill("3250.00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("The cited sentence gives $2,990")
    expect(page.locator("#id_price_amount_error")).to_contain_text("gives $2,990")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-refused-price-{on}.png", full_page=False)

    page.locator("#id_price_amount").fill("3250.00")
    cite_in_inline(page, "price", document, sentence, supersede=old)
    page.locator("#id_change_reason").fill("The provider's page of 2 Dec 2026 gives $3,250")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert page.goto("/programs/johns-hopkins-ai-in-healthcare/").status == 200
    cost = page.locator("#fact-total_cost")
    expect(cost).to_contain_text("$3,250")
    cost.locator(".citation__toggle").first.click()
    expect(cost.locator(".citation__quote").first).to_contain_text(sentence)
    expect(cost.locator(".facts__earlier")).to_contain_text("earlier: $2,990")

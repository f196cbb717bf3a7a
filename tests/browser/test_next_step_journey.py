"""Where to go next on a phone (issue #24, item 4): the block reads, links out and fits."""

import pytest
from playwright.sync_api import expect

from programs.models import Program
from tests.browser.test_accessibility import axe_violations
from tests.seed import CEDARS

pytestmark = pytest.mark.browser

LONG_ADDRESS = (
    "https://www.example.org/education/certificates/applied-artificial-intelligence-for-"
    "health-systems/enrolment-and-dates?utm_source=certcatalog&ref=where-to-go-next"
)


def test_where_to_go_next_links_out_and_fits_a_phone(phone_page):
    """A long address breaks inside the block, never widening the page; axe finds nothing
    serious."""
    Program.objects.filter(slug=CEDARS).update(url=LONG_ADDRESS)
    program = Program.objects.get(slug=CEDARS)
    assert phone_page.goto(program.get_absolute_url()).status == 200
    block = phone_page.locator("#where-to-go-next")
    expect(block.get_by_role("heading", name="Where to go next")).to_be_visible()
    expect(block.locator(".next-step__pointer")).to_contain_text(
        "The 2026 guide points to “Cedars\u2011Sinai's Certificate in Applied AI for Health "
        "Systems page”; it gives no address."
    )
    link = block.locator("a.next-step__link")
    expect(link).to_have_attribute("href", LONG_ADDRESS)
    expect(link).to_contain_text("www.example.org")
    link.scroll_into_view_if_needed()
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    blocking, _ = axe_violations(phone_page)
    assert not blocking, blocking

"""Every public page at desktop and phone widths, saved to screenshots/ (git-ignored) to look at."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, open_page, public_paths

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_screenshot_every_public_page(browser, live_server, committed_catalog, viewport):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    try:
        for name, path in public_paths():
            open_page(page, name, path)
            target = SCREENSHOTS / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
    finally:
        context.close()

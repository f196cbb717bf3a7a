"""axe-core on every public page: no serious or critical violations."""

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import open_page, public_paths

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


AXE = Axe()


def axe_violations(page):
    """(blocking, moderate) violations on the current page, as 'rule: target' strings.

    axe-core is half a megabyte of script: it is sent once per browser context and runs at the
    start of every page after that, instead of crossing the wire for every page checked."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.axe_script)
        page.context.add_init_script(AXE.axe_script)
    results = AxeResults(page.evaluate("axe.run({resultTypes: ['violations']})"))
    blocking, moderate = [], []
    for violation in results.response["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        line = f"{violation['id']} ({violation['impact']}): {targets}"
        (blocking if violation["impact"] in BLOCKING else moderate).append(line)
    return blocking, moderate


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_public_page_has_no_serious_axe_violations(page, scheme, capsys):
    page.emulate_media(color_scheme=scheme)
    report = {}
    for name, path in public_paths():
        open_page(page, name, path)
        blocking, moderate = axe_violations(page)
        if moderate:
            print(f"[axe {scheme}] moderate on {name}: {moderate}")
        if blocking:
            report[name] = blocking
    assert not report, report


def test_phone_layout_has_no_serious_axe_violations(phone_page):
    report = {}
    for name, path in public_paths():
        open_page(phone_page, name, path)
        blocking, _ = axe_violations(phone_page)
        if blocking:
            report[name] = blocking
    assert not report, report

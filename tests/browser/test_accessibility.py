"""axe-core on every public page: no serious or critical violations; HTML_CodeSniffer's
WCAG 2 AA run (what pa11y runs) finds no errors on home, list, detail, compare, finder and the
plan pages (issue #24)."""

import os
import shutil
import subprocess
from pathlib import Path

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


PLAN_PATHS = [
    ("plan-stack", "/plans/stack/"),
    ("plan-team", "/plans/team/"),
    (
        "plan-team-filled",
        "/plans/team/?role=nursing-leaders&people=3&program=&role=clinical-informatics&people=2"
        "&program=&role=operations-managers&people=1&program=&budget=15000&weeks=12&hours=",
    ),
]
"""The plan pages, which public_paths() (the screenshot and axe sweep) does not list."""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_plan_pages_have_no_serious_axe_violations(page, phone_page, viewport):
    tab = page if viewport == "desktop" else phone_page
    report = {}
    for name, path in PLAN_PATHS:
        open_page(tab, name, path)
        blocking, _ = axe_violations(tab)
        if blocking:
            report[name] = blocking
    assert not report, report


HTMLCS_VERSION = "2.5.1"
HTMLCS_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "certcatalog" / "htmlcs"
)


def _htmlcs_script() -> str:
    """HTML_CodeSniffer's browser build, the checker pa11y runs: $HTMLCS_JS if set, else the
    npm package installed once into a cache directory outside the repository. Without npm the
    test skips with the reason; in CI a skip fails the run (tests/conftest.py)."""
    if given := os.environ.get("HTMLCS_JS"):
        return Path(given).read_text()
    script = HTMLCS_CACHE / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(
                "HTML_CodeSniffer not installed and no npm to install it: WCAG 2 AA unchecked"
            )
        HTMLCS_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--prefix",
                str(HTMLCS_CACHE),
                f"html_codesniffer@{HTMLCS_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script.read_text()


HTMLCS_ERRORS = """
    new Promise(resolve => HTMLCS.process("WCAG2AA", document, () => resolve(
        HTMLCS.getMessages()
            .filter(message => message.type === HTMLCS.ERROR)
            .map(message => `${message.code} on ${message.element.outerHTML.slice(0, 120)}`)
    )))
"""


def htmlcs_errors(page) -> list[str]:
    if not page.evaluate("typeof HTMLCS !== 'undefined'"):
        script = _htmlcs_script()
        page.evaluate(script)
        page.context.add_init_script(script)
    return page.evaluate(HTMLCS_ERRORS)


def _wcag_paths():
    from programs.models import Program

    six = "&".join(f"programs={p.slug}" for p in Program.objects.order_by("name"))
    return [
        ("home", "/"),
        ("programs", "/programs/"),
        ("programs-near-miss", "/programs/?role=clinicians&max_cost=2000"),
        *((f"program-{p.slug}", p.get_absolute_url()) for p in Program.objects.order_by("name")),
        ("compare-pick", "/compare/"),
        ("compare-six", f"/compare/?{six}"),
        (
            "compare-two-differences",
            "/compare/?programs=harvard-ai-in-health-care&programs=iabac-ai-in-healthcare&diff=1",
        ),
        ("finder", "/finder/"),
        ("finder-nurse-leader", "/finder/?role=nursing-leaders&budget=2000"),
        *PLAN_PATHS,
    ]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_html_codesniffer_finds_no_wcag2aa_errors(page, phone_page, viewport):
    """pa11y's own checker, run in the page: among much else the compare table's H43, whose
    cells must name their headers (`headers`/`id`) because it has several levels of `th`."""
    tab = page if viewport == "desktop" else phone_page
    report = {}
    for name, path in _wcag_paths():
        open_page(tab, name, path)
        if errors := htmlcs_errors(tab):
            report[name] = errors[:5] + ([f"… {len(errors) - 5} more"] if len(errors) > 5 else [])
    assert not report, report

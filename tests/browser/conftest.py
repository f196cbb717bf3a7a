"""Playwright driving Debian's Chromium against pytest-django's live_server.

No `playwright install`: the browser is /usr/bin/chromium from the chromium package.
"""

import os
from pathlib import Path

import pytest

from tests.factories import StaffUserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# and assertions are still plain synchronous calls, so Django's async guard is relaxed here only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watched(context):
    """A page whose Content-Security-Policy violations fail the test (issue #12): Chromium logs
    each blocked script, style or frame to the console."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


@pytest.fixture
def page(browser, live_server, committed_catalog):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = _watched(context)
    yield page
    violations = list(page.csp_violations)
    context.close()
    assert not violations, "CSP violations: " + " | ".join(violations)


@pytest.fixture
def phone_page(browser, live_server, committed_catalog):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = _watched(context)
    yield page
    violations = list(page.csp_violations)
    context.close()
    assert not violations, "CSP violations: " + " | ".join(violations)


@pytest.fixture
def staff_login(transactional_db):
    user = StaffUserFactory()
    return user.username, "correct horse battery staple"


def public_paths():
    """Every public page a person can reach, with a short name for screenshots."""
    from programs.models import Program, Role

    paths = [
        ("home", "/"),
        ("programs", "/programs/"),
        ("programs-filtered", "/programs/?role=clinicians&max_cost=3000"),
        ("programs-empty", "/programs/?cme=no&role=physicians"),
        ("roles", "/roles/"),
        ("sources", "/sources/"),
        ("compare", "/compare/"),
        ("compare-one", "/compare/?programs=johns-hopkins-ai-in-healthcare"),
        (
            "compare-three",
            "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
            "&programs=iabac-ai-in-healthcare",
        ),
        (
            "compare-print",
            "/compare/print/?programs=harvard-ai-in-health-care"
            "&programs=johns-hopkins-ai-in-healthcare",
        ),
        ("not-found", "/programs/no-such-program/"),
        ("finder", "/finder/"),
        ("finder-nurse-leader", "/finder/?role=nursing-leaders&budget=2000"),
        ("programs-near-miss", "/programs/?role=clinicians&max_cost=2000"),
        ("changes", "/changes/"),
        (
            "compare-six",
            "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
            "&programs=iabac-ai-in-healthcare&programs=cedars-sinai-applied-ai-health-systems"
            "&programs=stanford-ai-in-healthcare&programs=abaim-ai-in-medicine-certification",
        ),
    ]
    paths += [(f"program-{p.slug}", p.get_absolute_url()) for p in Program.objects.order_by("name")]
    paths += [(f"role-{r.slug}", r.get_absolute_url()) for r in Role.objects.all()]
    return paths


def open_page(page, name: str, path: str):
    """Go to a public page and check it answered as expected (404 only for the not-found one)."""
    response = page.goto(path)
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{name} ({path}) answered {response.status}"
    return response


def wait_until_scrolled(page, expression: str, timeout_ms: int = 5_000) -> None:
    """Wait until a JavaScript condition on scroll positions holds: checked at once, then at
    every scroll event anywhere in the page, never on a timer (the timeout is only a deadline).
    `page.wait_for_function` would poll by evaluating a string inside the page, which the site's
    CSP (no 'unsafe-eval') forbids; this whole expression is evaluated by the DevTools protocol."""
    waited = page.evaluate(
        f"""new Promise(resolve => {{
            const met = () => Boolean({expression});
            const done = outcome => {{
                document.removeEventListener("scroll", check, true);
                clearTimeout(deadline);
                resolve(outcome);
            }};
            const check = () => met() && done(true);
            const deadline = setTimeout(() => done(false), {timeout_ms});
            document.addEventListener("scroll", check, true);
            check();
        }})"""
    )
    assert waited, f"timed out waiting for {expression}"


def wait_for_frames_until(page, expression: str, timeout_ms: int = 2_000) -> None:
    """Wait until a JavaScript condition on layout holds, checked at every animation frame: a
    scroll-driven CSS animation moves its element on a frame after the scroll, not with it
    (the deadline only bounds the wait; the condition is the test)."""
    waited = page.evaluate(
        f"""new Promise(resolve => {{
            const started = performance.now();
            const check = () => {{
                if (Boolean({expression})) return resolve(true);
                if (performance.now() - started > {timeout_ms}) return resolve(false);
                requestAnimationFrame(check);
            }};
            check();
        }})"""
    )
    assert waited, f"timed out waiting for {expression}"


def cite_in_inline(page, field: str, document, sentence: str, *, supersede: int) -> None:
    """On a program's change page, as an editor does it: mark citation row `supersede`
    superseded and add a citation of `sentence` in `document` for `field` (issue #20)."""
    group = page.locator("#citations-group")
    group.locator("summary").first.click()
    page.locator(f"#id_citations-{supersede}-superseded").check()
    group.get_by_role("button", name="Add another Citation").click()
    new = group.locator(".inline-related.last-related").last.locator(
        "xpath=preceding-sibling::div[1]"
    )
    new.locator("select[name$='-field']").select_option(field)
    new.locator("select[name$='-document']").select_option(label=document.title)
    new.locator("textarea[name$='-quote']").fill(sentence)

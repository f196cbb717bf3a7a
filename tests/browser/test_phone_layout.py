"""Pages that read well on a phone (issue #24, item 6), measured in Chromium at 390 px: the
comparison scrolls with the page, the chart's words are legible, nothing fixed covers content,
ticks survive filter changes, words are never broken inside, the header takes one line."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Program
from tests.browser.conftest import PHONE, wait_for_frames_until, wait_until_scrolled
from tests.browser.test_admin_journeys import log_in
from tests.factories import StaffUserFactory
from tests.forms import browser_post
from tests.seed import ALL, HARVARD, IABAC, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.browser

SIX = "/compare/?" + "&".join(f"programs={slug}" for slug in ALL)

CELLS_OVERFLOWING = """
    [...document.querySelectorAll('.compare-table th, .compare-table td')]
      // Not the labels kept for screen readers only (shown above the values instead).
      .filter(cell => getComputedStyle(cell).display !== 'none')
      .filter(cell => getComputedStyle(cell).clipPath === 'none')
      .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
      .map(cell => cell.textContent.trim().slice(0, 40))
"""


def test_six_programs_on_a_phone_scroll_with_the_page_and_no_column_is_clipped(phone_page):
    assert phone_page.goto(SIX).status == 200
    scroller = phone_page.locator(".compare-scroll")
    sizes = scroller.evaluate(
        """el => ({scrollHeight: el.scrollHeight, clientHeight: el.clientHeight,
                   scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                   overflowY: getComputedStyle(el).overflowY,
                   table: el.querySelector('table').getBoundingClientRect().height,
                   box: el.getBoundingClientRect().height})"""
    )
    # No box of its own to scroll down in: the whole table is as tall as its box.
    assert sizes["overflowY"] not in ("auto", "scroll"), sizes
    assert sizes["scrollHeight"] <= sizes["clientHeight"] + 1, sizes
    assert sizes["box"] >= sizes["table"], sizes
    assert sizes["box"] > 2 * PHONE["height"], "six programs make a table taller than the screen"
    # The page itself never scrolls sideways; the table's box does, to every program.
    page_overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert page_overflow <= 0
    assert sizes["scrollWidth"] > sizes["clientWidth"], "more programs a swipe away"
    assert not phone_page.evaluate(CELLS_OVERFLOWING), "a cell's content is cut off"

    programs = phone_page.locator("th.compare-table__program")
    expect(programs).to_have_count(6)
    box = scroller.bounding_box()
    scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
    wait_until_scrolled(
        phone_page,
        "(el => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1)"
        "(document.querySelector('.compare-scroll'))",
    )
    last = programs.nth(5).bounding_box()
    assert last["x"] >= box["x"] - 1, "the sixth program is reachable by swiping"
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1, "and shown whole"


def test_on_a_phone_program_names_follow_the_page_and_labels_stay_left(phone_page):
    assert phone_page.goto(SIX).status == 200
    programs = phone_page.locator("th.compare-table__program")
    scroller = phone_page.locator(".compare-scroll")
    top = scroller.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
    phone_page.evaluate(f"window.scrollTo(0, {top + 2500})")
    wait_until_scrolled(phone_page, f"window.scrollY >= {top + 2500 - 1}")
    name_top = (
        "document.querySelectorAll('th.compare-table__program')[{}].getBoundingClientRect().top"
    )
    wait_for_frames_until(phone_page, f"Math.abs({name_top.format(0)}) <= 2")
    for i in range(2):
        name = programs.nth(i).bounding_box()
        assert -1 <= name["y"] <= 2, f"program {i + 1} is on top of the screen, not {name['y']}"
    # A fact label 2,500 px down: shown below the names, where it stays while swiping.
    label = phone_page.locator(".compare-table__label-row span")
    visible = [
        i
        for i in range(label.count())
        if 100 < (label.nth(i).bounding_box() or {"y": -1})["y"] < PHONE["height"] - 50
    ]
    assert visible, "a fact label is on screen"
    span = label.nth(visible[0])
    before = span.bounding_box()["x"]
    scroller.evaluate("el => el.scrollLeft = 400")
    wait_until_scrolled(phone_page, "document.querySelector('.compare-scroll').scrollLeft > 0")
    wait_for_frames_until(phone_page, f"Math.abs({name_top.format(2)}) <= 2")
    assert abs(span.bounding_box()["x"] - before) < 1, "the label stays while swiping"
    assert -1 <= programs.nth(2).bounding_box()["y"] <= 2, "names swipe with their columns"


def test_chart_text_is_at_least_12_px_on_a_phone(phone_page):
    assert phone_page.goto(SIX).status == 200
    sizes = phone_page.evaluate(
        """[...document.querySelectorAll('.chart__svg text')].map(t => {
            const m = t.getScreenCTM(), box = t.getBoundingClientRect();
            const turned = Math.abs(m.b) > Math.abs(m.a);  // the y-axis label, upright
            return {
              text: t.textContent,
              px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
              height: turned ? box.width : box.height,
            };
        })"""
    )
    assert len(sizes) >= 10, "ticks, axis labels and point labels"
    small = [s for s in sizes if s["px"] < 12 or s["height"] < 12]
    assert not small, small


def _overlaps(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("block", ["end", "center"])
def test_the_selected_bar_never_covers_the_download_links(phone_page, block):
    assert phone_page.goto("/programs/").status == 200
    boxes = phone_page.locator("input[type=checkbox][name=programs]")
    for i in range(3):
        boxes.nth(i).check()
    tally = phone_page.locator(".compare-tally")
    expect(tally).to_be_visible()
    links = phone_page.locator("#download a")
    expect(links).to_have_count(2)
    links.first.evaluate(f"a => a.scrollIntoView({{block: '{block}'}})")
    wait_until_scrolled(phone_page, "window.scrollY > 0")
    bar = tally.bounding_box()
    assert bar["y"] + bar["height"] <= PHONE["height"], "the bar is on screen"
    for i in range(2):
        assert not _overlaps(bar, links.nth(i).bounding_box()), "the bar covers a download link"


def test_ticks_survive_filter_changes_without_javascript(browser, live_server, committed_catalog):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        assert page.goto("/programs/").status == 200
        page.get_by_role("checkbox", name="Compare AI in Health Care Certificate").check()
        page.get_by_role(
            "checkbox", name="Compare AI in healthcare certification (title not published)"
        ).check()
        # A filter that leaves IABAC out: its tick is kept in the address all the same.
        page.locator(".filters-disclosure__summary").click()
        page.get_by_label("Search").fill("Harvard Medical")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(rf"programs={HARVARD}"))
        expect(page).to_have_url(re.compile(rf"programs={IABAC}"))
        expect(
            page.get_by_role("checkbox", name="Compare AI in Health Care Certificate")
        ).to_be_checked()
        expect(page.locator(f"input[type=checkbox][value={IABAC}]")).to_have_count(0)
        # Clearing the filters brings IABAC back, still ticked.
        page.get_by_role("link", name="Clear all").first.click()
        expect(page.locator(f"input[type=checkbox][value={IABAC}]")).to_be_checked()
        page.get_by_role("checkbox", name="Compare AI in Healthcare Certificate Program").check()
        page.get_by_role("button", name="Compare selected").click()
        expect(page).to_have_url(re.compile(r"/compare/\?programs="))
        names = page.locator("thead th.compare-table__program")
        expect(names).to_have_count(3)
        for name in ("AI in Health Care Certificate", "AI in Healthcare Certificate Program"):
            expect(names.get_by_role("link", name=name, exact=True)).to_have_count(1)
        expect(names.get_by_role("link", name=re.compile("^AI in healthcare cert"))).to_have_count(
            1
        )
    finally:
        context.close()


def _edit_price(slug: str, price: str) -> None:
    """An editor's price change, as the admin form posts it: a row on /changes/."""
    client = Client()
    client.force_login(StaffUserFactory())
    program = Program.objects.get(slug=slug)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {
        "price_amount": price,
        **cite_in_form(program, "price", f"It costs ${price[0]},{price[1:]}."),
    }
    assert browser_post(client, url, "program_form", changes).status_code == 302


BROKEN_WORDS = """
    (selector => {
      const broken = [];
      for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const node = walker.currentNode;
          // Words between spaces and hyphens: a line may end after "Completion-".
          for (const match of node.textContent.matchAll(/[^\\s\\-\u2010\u2013\u2014/]+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (lines.size > 1) broken.push(match[0]);
          }
        }
      }
      return broken;
    })
"""


LONG_PREREQUISITES = (
    "No prior programming experience is required; learners are expected to bring clinical, "
    "administrative or informatics experience from their own health system to the exercises"
)


def test_changes_never_break_a_word_on_a_phone(phone_page):
    """A long new value takes most of the table's width; the short columns ("Was", "Price")
    must still wrap between words, never inside one."""
    _edit_price(JHU, "3150")
    client = Client()
    client.force_login(StaffUserFactory())
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"prerequisites": LONG_PREREQUISITES, "change_reason": "Testing a long value"}
    assert browser_post(client, url, "program_form", changes).status_code == 302
    assert phone_page.goto("/changes/").status == 200
    cells = phone_page.locator(".change__table th, .change__table td")
    expect(cells.first).to_be_visible()
    assert cells.count() >= 6
    assert (
        phone_page.evaluate(f"{BROKEN_WORDS}('.change, .change__table th, .change__table td')")
        == []
    )


def test_the_header_takes_one_line_and_the_search_hint_is_whole_on_a_phone(phone_page):
    assert phone_page.goto("/").status == 200
    links = phone_page.locator(".site-nav__link")
    expect(links).to_have_count(5)
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(5)}
    assert len(tops) == 1, f"the menu takes {len(tops)} lines"
    last = links.nth(4).bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"]
    search = phone_page.get_by_role("searchbox", name="Search programs")
    assert not search.get_attribute("placeholder"), "no placeholder to cut off"
    hint = phone_page.locator("#home-q-help")
    expect(hint).to_be_visible()
    assert hint.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert search.evaluate("el => el.getAttribute('aria-describedby')") == "home-q-help"


@pytest.mark.parametrize("width", [390, 800])
def test_admin_tables_never_break_a_word_on_a_phone(phone_page, staff_login, width):
    """The editors' lists and a program's history at 390 px, and at 800 px, where the history
    is a table again with narrow columns (issue #24): a line may end after a hyphen
    ("Completion-" / "based"), never inside a word."""
    phone_page.set_viewport_size({"width": width, "height": PHONE["height"]})
    _edit_price(JHU, "3150")
    log_in(phone_page, staff_login)
    program = Program.objects.get(slug=JHU)
    for url in (
        reverse("admin:programs_program_changelist"),
        reverse("admin:programs_citation_changelist"),
        reverse("admin:programs_provider_changelist"),
        reverse("admin:programs_program_history", args=[program.pk]),
    ):
        assert phone_page.goto(url).status == 200, url
        expect(phone_page.locator("table td").first).to_be_visible()
        assert phone_page.evaluate(f"{BROKEN_WORDS}('table th, table td')") == [], url

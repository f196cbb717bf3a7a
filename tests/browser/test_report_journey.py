"""A reader reports a wrong fact in Chromium; an editor accepts it and saves the program; the
history names the report (issue #24, item 5)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from programs.models import Program, ReaderReport
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.test_accessibility import axe_violations
from tests.factories import StaffUserFactory
from tests.seed import JHU

pytestmark = pytest.mark.browser

EDITOR_PASSWORD = "correct horse battery staple"


def _editors_group() -> Group:
    """The Editors group as the migrations leave it (0011, 0019, 0020, 0024): every catalogue
    permission, reader reports seen and decided but never added or deleted, link checks read.
    A live-server test before this one flushes the database, migrations' rows included, so it
    is made again when missing."""
    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="programs").exclude(
                codename__in=[
                    "add_readerreport",
                    "delete_readerreport",
                    "add_linkcheck",
                    "change_linkcheck",
                    "delete_linkcheck",
                ]
            )
        )
    return group


def _editor():
    """An editor as create_editor makes one: staff, in the Editors group, not a superuser."""
    user = StaffUserFactory(username="maria", is_superuser=False)
    user.groups.add(_editors_group())
    return user.username


def test_a_reader_reports_a_wrong_price_and_the_editor_s_save_names_the_report(
    page, browser, live_server
):
    jhu = Program.objects.get(slug=JHU)
    # The reader, in a browser with no JavaScript at all: the link and the form are plain HTML.
    reader_context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False
    )
    reader = reader_context.new_page()
    reader.goto(jhu.get_absolute_url())
    reader.locator("#fact-total_cost").get_by_role(
        "link", name="Report a problem with “Total cost”"
    ).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Report a problem with a fact")
    # The guide: "…runs 10 weeks online at $2,990…"
    expect(reader.locator(".report-fact__value")).to_have_text("$2,990")
    expect(reader.locator(".report-fact__label")).to_have_text("Total cost")
    reader.get_by_label("What is wrong").fill("The provider's page now says $3,150.")
    reader.get_by_label("The source sentence or address that shows it (optional)").fill(
        "https://example.org/jhu-ai-certificate"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    reader.screenshot(path=SCREENSHOTS / "report-form-1280.png", full_page=True)
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("your report is with the")
    reference = reader.locator(".report-thanks__number").inner_text()
    report = ReaderReport.objects.get()
    assert reference == f"R-{report.pk}"
    reader.screenshot(path=SCREENSHOTS / "report-thanks-1280.png", full_page=True)
    reader_context.close()

    # The editor signs in and finds it in the queue of new reports.
    username = _editor()
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Keep the catalogue true")).to_be_visible()
    page.get_by_role("link", name="Reader reports").click()
    page.locator("#changelist-filter").get_by_role("link", name="New").click()
    row = page.locator("#result_list tbody tr", has_text=reference)
    expect(row.locator(".field-fact_label")).to_have_text("Total cost")
    row.get_by_role("link", name=reference).click()
    expect(page.locator(".field-problem")).to_contain_text("now says $3,150")
    page.get_by_label("Editor's answer").fill("Confirmed on the provider's page; corrected.")
    page.screenshot(path=SCREENSHOTS / "admin-reader-report-1280.png", full_page=True)
    page.get_by_role("button", name="Accept and correct the program").click()

    # The program's change page, at the price, saying which report this save answers.
    expect(page).to_have_url(re.compile(rf"\?reader_report={report.pk}#id_price_amount$"))
    expect(page.locator(".reader-report-note")).to_contain_text(f"This save answers {reference}")
    expect(page.locator("#id_price_amount")).to_be_in_viewport()
    page.screenshot(path=SCREENSHOTS / "admin-program-answering-report-1280.png")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text(f"This save answers {reference}")

    # The history names the report; the report names the history entry.
    page.goto(f"/admin/programs/program/{jhu.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    expect(latest.locator("td[data-label='Change reason']")).to_have_text(
        f"Reader report #{report.pk}"
    )
    report.refresh_from_db()
    assert report.status == ReaderReport.Status.ACCEPTED
    assert report.answered_by == Program.history.filter(id=jhu.pk).latest()


def test_the_report_pages_on_a_phone_fit_and_pass_axe(phone_page):
    """At 390 px the form and thanks pages scroll only downwards, and axe finds nothing
    serious on either."""
    page = phone_page
    jhu = Program.objects.get(slug=JHU)
    page.goto(jhu.get_absolute_url())
    page.locator("#fact-duration").get_by_role(
        "link", name="Report a problem with “Duration”"
    ).click()
    expect(page.locator(".report-fact__value")).to_have_text("10 weeks")
    blocking, _ = axe_violations(page)
    assert not blocking, blocking
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the form scrolls sideways by {overflow}px at {PHONE['width']} px"
    page.get_by_label("What is wrong").fill("The sources say twelve weeks, I think.")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "report-form-390.png", full_page=True)
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".report-thanks__number")).to_have_text(
        f"R-{ReaderReport.objects.get().pk}"
    )
    blocking, _ = axe_violations(page)
    assert not blocking, blocking
    page.screenshot(path=SCREENSHOTS / "report-thanks-390.png", full_page=True)

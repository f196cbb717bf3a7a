"""Readers report a wrong fact (issue #24, item 5): from the link beside each fact, through the
form as rendered, to the editors' queue, and back through the program's history."""

import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import reports
from programs.models import Program, ReaderReport
from tests import profiles
from tests.catalogue_builder import grow
from tests.factories import StaffUserFactory
from tests.forms import as_post_data, browser_post, form_fields
from tests.seed import ABAIM, ALL, CEDARS, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db

# One fact of each seeded program, with what the page shows for it, from the seed texts:
SEEDED = {
    # "Based on IABAC's published program information, its assessment-based format allows
    # candidates to study on their own schedule…": IABAC's own word, as the guide reports it.
    IABAC: ("format", "Format", "Self-paced (according to IABAC, as the 2026 guide reports)"),
    # "Each module runs approximately five weeks … priced at roughly $1,600 per course."
    # (three modules)
    HARVARD: ("total_cost", "Total cost", "about $4,800"),
    # "…runs 10 weeks online at $2,990…"
    JHU: ("total_cost", "Total cost", "$2,990"),
    # "The Cedars-Sinai Certificate in Applied AI for Health Systems runs 12 weeks…"
    CEDARS: ("duration", "Duration", "12 weeks"),
    # "Stanford's AI in Healthcare Specialization on Coursera carries CME accreditation…", and
    # nothing of the credit's amount, type or accreditor.
    STANFORD: ("cme_credit", "CME credit", "Yes — amount, type and accreditor not published"),
    # The sources give ABAIM no price.
    ABAIM: ("total_cost", "Total cost", "Not published"),
}
PROBLEM = "The provider's page gives another figure."


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _report_link(client, slug: str, key: str) -> str:
    """The "Report a problem" link inside the fact's own row of the detail page."""
    page = _page(client.get(reverse("programs:detail", args=[slug])))
    row = page.find(id=f"fact-{key}")
    link = row.find("a", class_="facts__report")
    assert link.get_text(" ", strip=True).startswith("Report a problem")
    return link["href"]


def _file(client, url: str, changes: dict):
    """Post the report form back as the page rendered it, with the reader's words."""
    page = client.get(url)
    assert page.status_code == 200
    data = as_post_data(form_fields(page.content.decode(), "report-form"), changes)
    return client.post(url, data)


def _ref(response) -> str:
    return _page(response).find(class_="report-thanks__number").get_text(strip=True)


@pytest.mark.parametrize("slug", ALL)
def test_a_reader_reports_a_fact_of_every_seeded_program_and_gets_a_reference(
    client, catalog, slug
):
    key, label, shown = SEEDED[slug]
    url = _report_link(client, slug, key)
    form_page = _page(client.get(url))
    program = Program.objects.get(slug=slug)
    assert (
        form_page.find(class_="report-fact__program").get_text(strip=True).startswith(program.name)
    )
    assert form_page.find(class_="report-fact__label").get_text(strip=True) == label
    assert form_page.find(class_="report-fact__value").get_text(strip=True) == shown

    response = _file(client, url, {"problem": PROBLEM, "email": ""})
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    report = ReaderReport.objects.get()
    assert _ref(thanks) == f"R-{report.pk}"
    assert (report.program, report.fact, report.fact_label) == (program, key, label)
    assert report.shown_value == shown
    assert report.problem == PROBLEM
    assert report.evidence is None and report.email is None
    assert report.status == ReaderReport.Status.NEW


def test_every_fact_row_of_the_detail_page_has_its_own_report_link(client, catalog):
    page = _page(client.get(reverse("programs:detail", args=[STANFORD])))
    rows = page.select(".facts__row")
    assert rows
    for row in rows:
        key = row["id"].removeprefix("fact-")
        [link] = row.select("a.facts__report")
        assert f"fact={key}" in link["href"] and f"program={STANFORD}" in link["href"]
        label = row.find(class_="facts__label").get_text(strip=True)
        assert link.find(class_="visually-hidden").get_text() == f" with “{label}”"


@pytest.mark.parametrize("extra", [0, 60])
def test_the_report_links_add_no_query_to_the_detail_page(
    client, catalog, extra, django_assert_num_queries
):
    """As test_pages' detail test: the catalogue version, the program, modules, role fits,
    citations, cohorts, its change log. The links are built from what the page already has, at
    any catalogue size."""
    grow(6 + extra)
    with django_assert_num_queries(7):
        response = client.get(reverse("programs:detail", args=[JHU]))
    page = _page(response)
    # One link per fact row: every fact but the five parts of a CME credit, which the sources
    # do not give Johns Hopkins.
    credit_parts = {
        "credit_type",
        "credit_amount",
        "credit_accreditor",
        "counts_toward_moc",
        "credit_certificate_cost",
    }
    shown = {row["id"].removeprefix("fact-") for row in page.select(".facts__row")}
    assert shown == set(reports.FACT_KEYS) - credit_parts
    assert len(page.select(".facts__row a.facts__report")) == len(shown)


def test_the_form_page_reads_the_program_once(client, catalog, django_assert_num_queries):
    """The program with its parts (for_detail: program, modules, role fits, citations,
    cohorts) and the footer's catalogue state; at any catalogue size."""
    grow(60)
    url = f"{reverse('programs:report')}?program={JHU}&fact=total_cost"
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_the_evidence_and_email_are_kept_as_plain_text(client, catalog):
    url = _report_link(client, JHU, "total_cost")
    markup = "<script>alert(1)</script> costs <b>$3,150</b>"
    response = _file(
        client,
        url,
        {
            "problem": markup,
            "evidence": "https://example.org/jhu\r\nThe program costs $3,150.",
            "email": "reader@example.org",
        },
    )
    assert response.status_code == 302
    report = ReaderReport.objects.get()
    assert report.problem == markup
    assert report.evidence == "https://example.org/jhu\r\nThe program costs $3,150."
    assert report.email == "reader@example.org"
    staff = Client()
    staff.force_login(StaffUserFactory())
    html = staff.get(reverse("admin:programs_readerreport_change", args=[report.pk])).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"problem": ""}, "problem", "This field is required."),
        ({"problem": "x" * 2001}, "problem", "at most 2000 characters"),
        ({"problem": "ok", "evidence": "y" * 1001}, "evidence", "at most 1000 characters"),
        ({"problem": "wrong\x00price"}, "problem", "a null character (U+0000) at position 6"),
        ({"problem": "a\u202eb"}, "problem", "RIGHT-TO-LEFT OVERRIDE"),
        ({"problem": "ok", "evidence": "bell\x07"}, "evidence", "a control character (U+0007)"),
        ({"problem": "ok", "email": "not an address"}, "email", "valid email address"),
        ({"problem": "ok", "email": "a@b.org\x00"}, "email", "a null character"),
    ],
)
def test_bad_input_gets_a_message_beside_its_box_and_keeps_what_was_typed(
    client, catalog, changes, field, message
):
    url = _report_link(client, JHU, "total_cost")
    response = _file(client, url, changes)
    assert response.status_code == 400
    page = _page(response)
    error = page.find(id=f"id_{field}_error")
    assert error is not None and message in error.get_text()
    assert page.find(class_="report-form__refused")
    if field == "problem" and changes["problem"] and "\x00" not in changes["problem"]:
        assert page.find(id="id_problem").get_text().strip() == changes["problem"].strip()
    assert not ReaderReport.objects.exists()


def test_an_empty_post_says_what_is_missing(client, catalog):
    response = client.post(f"{reverse('programs:report')}?program={JHU}&fact=total_cost")
    assert response.status_code == 400
    error = _page(response).find(id="id_problem_error")
    assert error.get_text() == "This field is required."
    assert not ReaderReport.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "program=&fact=",
        "program=no-such-program&fact=total_cost",
        f"program={JHU}&fact=no_such_fact",
        f"program={JHU}",
        f"program={JHU}%00&fact=total_cost",
        f"program={JHU}&fact=total_cost%00",
        "program=%3Cscript%3E&fact=total_cost",
        f"program={JHU}&fact=" + "9" * 5000,
        "program=" + "a" * 5000 + "&fact=total_cost",
    ],
)
def test_junk_in_the_query_string_is_404_never_500(client, catalog, query):
    assert client.get(f"{reverse('programs:report')}?{query}").status_code == 404
    assert client.post(f"{reverse('programs:report')}?{query}", {"problem": "x"}).status_code == 404


@pytest.mark.parametrize(
    "ref", ["", "17", "R-17", "x" * 500, "%00", "1:abc:def", reports.thanks_token(10**6)]
)
def test_a_forged_or_unknown_reference_is_404(client, db, ref):
    assert client.get(f"{reverse('programs:report_thanks')}?ref={ref}").status_code == 404


def test_a_draft_cannot_be_reported_by_readers(client, catalog):
    Program.objects.filter(slug=JHU).update(status=Program.Status.DRAFT)
    url = f"{reverse('programs:report')}?program={JHU}&fact=total_cost"
    assert client.get(url).status_code == 404


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(catalog):
    browser = Client(enforce_csrf_checks=True)
    url = _report_link(browser, JHU, "total_cost")
    fields = form_fields(browser.get(url).content.decode(), "report-form")
    without = [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]
    response = browser.post(url, as_post_data(without, {"problem": PROBLEM}))
    assert response.status_code == 403
    assert not ReaderReport.objects.exists()
    # The same form with its token goes through.
    response = browser.post(url, as_post_data(fields, {"problem": PROBLEM}))
    assert response.status_code == 302
    assert ReaderReport.objects.count() == 1


def test_a_filled_in_honeypot_looks_accepted_but_stores_nothing(client, catalog):
    url = _report_link(client, JHU, "total_cost")
    response = _file(client, url, {"problem": PROBLEM, "website": "http://spam.example"})
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "your report is with the editors" in _page(thanks).h1.get_text()
    assert not ReaderReport.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_out_of_the_tab_order(client, catalog):
    page = _page(client.get(_report_link(client, JHU, "total_cost")))
    trap = page.find(class_="report-form__trap")
    assert trap["aria-hidden"] == "true"
    assert trap.find("input", attrs={"name": "website"})["tabindex"] == "-1"


def test_an_address_may_file_five_reports_an_hour_then_gets_a_429_that_keeps_its_words(
    client, catalog
):
    url = _report_link(client, JHU, "total_cost")
    for n in range(reports.REPORTS_PER_HOUR):
        assert _file(client, url, {"problem": f"report {n}"}).status_code == 302
    typed = "A sixth report, typed with care."
    response = _file(client, url, {"problem": typed, "evidence": "The page says $3,150."})
    assert response.status_code == 429
    page = _page(response)
    assert "5 reports in the last hour" in page.find(class_="report-form__refused").get_text()
    assert page.find(id="id_problem").get_text().strip() == typed
    assert page.find(id="id_evidence").get_text().strip() == "The page says $3,150."
    assert ReaderReport.objects.count() == reports.REPORTS_PER_HOUR
    # Another address is not limited by this one's reports.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _file(other, url, {"problem": "From elsewhere"}).status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, catalog, settings):
    """Without a trusted proxy, X-Forwarded-For is the client's own word (certcatalog/proxy.py)."""
    settings.BEHIND_PROXY = False
    url = _report_link(client, JHU, "total_cost")
    for n in range(reports.REPORTS_PER_HOUR + 1):
        forged = Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        response = _file(forged, url, {"problem": f"report {n}"})
    assert response.status_code == 429


def test_a_failing_cache_does_not_turn_a_report_into_a_500(client, catalog, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis went away")

    url = _report_link(client, JHU, "total_cost")
    page = client.get(url)
    monkeypatch.setattr(reports.cache, "get", broken)
    monkeypatch.setattr(reports.cache, "add", broken)
    data = as_post_data(form_fields(page.content.decode(), "report-form"), {"problem": PROBLEM})
    assert client.post(url, data).status_code == 302
    assert ReaderReport.objects.count() == 1


def test_the_form_and_thanks_pages_are_never_cached(client, catalog):
    url = _report_link(client, JHU, "total_cost")
    form_page = client.get(url)
    assert "no-store" in form_page["Cache-Control"] and "private" in form_page["Cache-Control"]
    assert "ETag" not in form_page
    assert "csrftoken" in form_page.cookies
    response = _file(client, url, {"problem": PROBLEM})
    thanks = client.get(response["Location"])
    assert "no-store" in thanks["Cache-Control"]


def test_filing_a_report_does_not_make_the_cached_pages_stale(client, catalog):
    """A report changes no public fact: the catalogue version (every page's ETag) stays."""
    detail = reverse("programs:detail", args=[JHU])
    etag = client.get(detail)["ETag"]
    _file(client, _report_link(client, JHU, "total_cost"), {"problem": PROBLEM})
    assert client.get(detail)["ETag"] == etag


def test_the_form_says_no_mail_is_sent_and_sends_none(client, catalog, mailoutbox):
    url = _report_link(client, JHU, "total_cost")
    page = _page(client.get(url))
    assert "We send no mail automatically" in page.find(id="id_email_helptext").get_text()
    _file(client, url, {"problem": PROBLEM, "email": "victim@example.org"})
    assert mailoutbox == []


# The editors' queue ---------------------------------------------------------------------------


def _editor_client() -> Client:
    """A staff member in the Editors group only (no superuser), as create_editor makes them."""
    user = StaffUserFactory(username="editor", is_superuser=False)
    user.groups.add(Group.objects.get(name="Editors"))
    editor = Client()
    editor.force_login(user)
    return editor


def _filed(client, slug: str, key: str, problem: str = PROBLEM) -> ReaderReport:
    response = _file(client, _report_link(client, slug, key), {"problem": problem})
    assert response.status_code == 302
    return ReaderReport.objects.latest("pk")


def test_editors_see_the_queue_filtered_by_status_and_searchable(client, catalog):
    new = _filed(client, JHU, "total_cost", "JHU now charges more")
    rejected = _filed(client, STANFORD, "cme_credit", "Stanford CME lapsed")
    ReaderReport.objects.filter(pk=rejected.pk).update(status=ReaderReport.Status.REJECTED)
    editor = _editor_client()
    queue = reverse("admin:programs_readerreport_changelist")

    def rows(query: str) -> list[str]:
        page = _page(editor.get(f"{queue}?{query}"))
        return [
            row.find(class_="field-reference_display").get_text()
            for row in page.select("#result_list tbody tr")
        ]

    assert rows("") == [rejected.reference, new.reference]
    assert rows("status__exact=new") == [new.reference]
    assert rows("status__exact=rejected") == [rejected.reference]
    assert rows("q=lapsed") == [rejected.reference]
    row = _page(editor.get(queue)).select("#result_list tbody tr")[1]
    assert row.find(class_="field-program_name").get_text() == Program.objects.get(slug=JHU).name
    assert row.find(class_="field-fact_label").get_text() == "Total cost"
    assert row.find(class_="field-status").get_text() == "New"


def test_editors_cannot_add_reports_themselves(catalog):
    editor = _editor_client()
    assert editor.get(reverse("admin:programs_readerreport_add")).status_code == 403


def test_the_queue_stays_at_a_flat_query_count(client, catalog, django_assert_max_num_queries):
    for n in range(3):
        _filed(client, ALL[n], "total_cost")
    editor = _editor_client()
    queue = reverse("admin:programs_readerreport_changelist")
    with django_assert_max_num_queries(12) as few:
        editor.get(queue)
    three = len(few.captured_queries)
    for n in range(3, 6):
        _filed(Client(REMOTE_ADDR=f"198.51.100.{n}"), ALL[n], "total_cost")
    with django_assert_max_num_queries(three):
        editor.get(queue)


def test_rejecting_a_report_records_the_answer_and_the_date(client, catalog):
    report = _filed(client, STANFORD, "cme_credit")
    editor = _editor_client()
    url = reverse("admin:programs_readerreport_change", args=[report.pk])
    answer = "The 2026 guide says it carries CME accreditation; the fact stands."
    response = browser_post(
        editor, url, "readerreport_form", {"status": "rejected", "answer": answer}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReaderReport.Status.REJECTED
    assert report.answer == answer
    assert report.decided_at is not None
    assert not Program.history.filter(history_change_reason__contains="reader report").exists()


@pytest.mark.parametrize("slug", ALL)
def test_accepting_opens_the_program_at_the_fact_and_the_next_save_records_the_report(
    client, catalog, slug
):
    key, label, _ = SEEDED[slug]
    report = _filed(client, slug, key)
    program = Program.objects.get(slug=slug)
    editor = _editor_client()
    report_url = reverse("admin:programs_readerreport_change", args=[report.pk])
    answer = "Checked against the provider; corrected."
    response = browser_post(
        editor, report_url, "readerreport_form", {"answer": answer}, submit=("_accept", "Accept")
    )
    assert response.status_code == 302
    change = reverse("admin:programs_program_change", args=[program.pk])
    anchor = {
        "format": "id_format",
        "total_cost": "id_price_amount",
        "duration": "id_duration_weeks",
        "cme_credit": "id_cme_credit",
    }[key]
    assert response["Location"] == f"{change}?reader_report={report.pk}#{anchor}"
    report.refresh_from_db()
    assert (report.status, report.answer) == (ReaderReport.Status.ACCEPTED, answer)

    # The program's page names the report it answers, and has the field the anchor points to.
    page = _page(editor.get(response["Location"]))
    assert page.find(id=anchor) is not None
    note = page.find(class_="reader-report-note")
    assert f"This save answers {report.reference}" in note.get_text()
    assert PROBLEM in note.get_text()

    # The editor saves the program (here unchanged) from that page, as rendered.
    saved = browser_post(editor, response["Location"], "program_form")
    assert saved.status_code == 302, saved.content[:2000]
    record = Program.history.filter(id=program.pk).latest()
    assert record.history_change_reason == f"Reader report #{report.pk}"
    report.refresh_from_db()
    assert report.answered_by == record
    # The report now links to that history entry; it can no longer be accepted again.
    page = _page(editor.get(report_url))
    answered = page.find(class_="field-answered_display").find("a")
    assert answered["href"] == reverse(
        "admin:programs_program_simple_history", args=[program.pk, record.history_id]
    )
    assert page.find("input", attrs={"name": "_accept"}) is None


def test_a_fact_corrected_on_a_report_shows_reason_and_report_in_history_and_change_log(
    client, catalog
):
    from tests.sourcing import cite_in_form

    report = _filed(client, JHU, "total_cost")
    editor = _editor_client()
    accepted = browser_post(
        editor,
        reverse("admin:programs_readerreport_change", args=[report.pk]),
        "readerreport_form",
        submit=("_accept", "Accept"),
    )
    program = Program.objects.get(slug=JHU)
    sentence = "The AI in Healthcare Certificate Program costs $3,150."
    changes = {
        "price_amount": "3150.00",
        **cite_in_form(program, "price", sentence),
        "change_reason": "Provider's page gives $3,150",
    }
    saved = browser_post(editor, accepted["Location"], "program_form", changes)
    assert saved.status_code == 302
    words = f"Provider's page gives $3,150; reader report #{report.pk}"
    assert Program.history.filter(id=program.pk).latest().history_change_reason == words
    history_page = _page(editor.get(reverse("admin:programs_program_history", args=[program.pk])))
    reasons = [
        cell.get_text(strip=True) for cell in history_page.select('td[data-label="Change reason"]')
    ]
    assert reasons[0] == words
    entry = (
        _page(client.get(program.get_absolute_url())).find(id="changes").find("li", class_="change")
    )
    assert entry.find(class_="change__reason").get_text(strip=True) == f"Reason given: {words}"


def test_a_reason_too_long_for_the_report_number_is_refused_beside_it(client, catalog):
    report = _filed(client, JHU, "total_cost")
    editor = _editor_client()
    accepted = browser_post(
        editor,
        reverse("admin:programs_readerreport_change", args=[report.pk]),
        "readerreport_form",
        submit=("_accept", "Accept"),
    )
    response = browser_post(
        editor, accepted["Location"], "program_form", {"change_reason": "r" * 100}
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["change_reason"]
    assert re.match(r"Keep the reason to \d+ characters", error)


def test_a_report_of_another_program_cannot_be_answered_here(client, catalog):
    report = _filed(client, JHU, "total_cost")
    reports.accept(report)
    editor = _editor_client()
    other = reverse("admin:programs_program_change", args=[Program.objects.get(slug=HARVARD).pk])
    response = browser_post(editor, f"{other}?reader_report={report.pk}", "program_form")
    assert response.status_code == 200
    assert "reader_report" in response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.answered_by is None


@pytest.mark.parametrize("junk", ["abc", "-1", "9" * 40, "1%00", "%3Cb%3E"])
def test_junk_report_numbers_on_the_program_page_are_ignored(catalog, junk):
    editor = _editor_client()
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = editor.get(f"{url}?reader_report={junk}")
    assert response.status_code == 200
    assert not _page(response).find(class_="reader-report-note")


def test_editors_may_see_and_change_reports_but_not_add_or_delete_them(db):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert {"view_readerreport", "change_readerreport"} <= codenames
    assert not {"add_readerreport", "delete_readerreport"} & codenames


@settings(
    max_examples=max(10, int(120 * profiles.ACTIVE.share)),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    program=st.one_of(st.sampled_from(ALL), st.text(max_size=60)),
    fact=st.one_of(st.sampled_from(reports.FACT_KEYS), st.text(max_size=60)),
    problem=st.one_of(st.text(max_size=300), st.text(max_size=2100).map(lambda t: f"<x-fuzz>{t}")),
    evidence=st.text(max_size=100).map(lambda t: f"{t}<x-fuzz>"),
    email=st.one_of(st.just(""), st.emails(), st.text(max_size=40)),
)
def test_any_query_and_any_text_is_a_page_or_a_404_never_a_500(
    catalog, client, program, fact, problem, evidence, email
):
    """Whatever a reader (or a bot) sends: the form, a message (400), the rate limit (429), a
    404 for no such fact, or the thanks page; markup is never echoed unescaped."""
    url = f"{reverse('programs:report')}?{urlencode({'program': program, 'fact': fact})}"
    assert client.get(url).status_code in (200, 404)
    response = client.post(url, {"problem": problem, "evidence": evidence, "email": email})
    assert response.status_code in (302, 400, 404, 429)
    if response.status_code in (400, 429):
        assert "<x-fuzz>" not in response.content.decode()

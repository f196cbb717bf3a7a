"""Dates and enrolment (issue #24 item 2): cohorts with their own sentence, "next start" and
"open for enrolment" on cards, the detail page and the comparison, a next-start sort, and never
a past date shown as upcoming.

The seeds give no dates: the guide says only "Cohort-based programs like Harvard and Johns
Hopkins have fixed start dates and built-in accountability." So today Harvard and Johns Hopkins
show "Next start: Not published", IABAC (self-paced, in IABAC's own published information, as
the guide reports) shows it has no fixed start, and the rest say nothing they do not know.
"""

import csv
import datetime
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programs import display, support
from programs.models import Cohort, Document, Program
from tests.catalogue_builder import grow
from tests.forms import browser_post
from tests.seed import CEDARS, HARVARD, IABAC, JHU, STANFORD
from tests.sourcing import new_page

pytestmark = pytest.mark.django_db

GUIDE_COHORT_SENTENCE = (
    "Cohort-based programs like Harvard and Johns Hopkins have fixed start dates and built-in "
    "accountability."
)
NOT_PUBLISHED = "Not published"


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _sentence(start: datetime.date, deadline: datetime.date | None = None) -> str:
    """How a provider's page words an intake: "The next cohort starts on 3 March 2027"."""
    text = f"The next cohort starts on {display.day(start)}"
    if deadline:
        text += f", and enrolment closes on {deadline:%B} {deadline.day}, {deadline.year}"
    return text + "."


def _cohort(slug: str, start: datetime.date, deadline: datetime.date | None = None) -> Cohort:
    """A cohort entered through the model layer, with a new page's sentence for its dates."""
    sentence = _sentence(start, deadline)
    document = new_page(sentence)
    cohort = Cohort(
        program=Program.objects.get(slug=slug),
        start_date=start,
        enrolment_deadline=deadline,
        document=document,
        quote=sentence,
    )
    cohort.full_clean()
    cohort.save()
    return cohort


def _page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content.decode(), "html.parser")


def _fact(page: BeautifulSoup, key: str) -> str:
    """A detail page's fact value, without its source sentences."""
    value = page.select_one(f"#fact-{key} .facts__value")
    for details in value.select("details"):
        details.decompose()
    return " ".join(value.get_text(" ", strip=True).split())


def _shown_dates(page: BeautifulSoup) -> set[datetime.date]:
    """Every cohort date the page shows as a date (its `time` elements and fact values), the
    quoted sentences left out."""
    shown = set()
    for time in page.select(".program__enrolment time, .program-card__start time"):
        shown.add(datetime.date.fromisoformat(time["datetime"]))
    for key in ("next_start", "enrolment"):
        value = page.select_one(f"#fact-{key} .facts__value")
        if value is None:
            continue
        text = " ".join(s for s in value.find_all(string=True) if not s.find_parent("details"))
        for n in range(-400, 400):
            day = _days(n)
            if re.search(rf"(?<!\d){re.escape(display.day(day))}", text):
                shown.add(day)
    return shown


def _card(page: BeautifulSoup, slug: str):
    link = page.select_one(f"a#program-{slug}")
    assert link is not None, slug
    return link.find_parent("article")


def _card_start(page: BeautifulSoup, slug: str) -> str | None:
    start = _card(page, slug).select_one(".program-card__start dd")
    return None if start is None else start.get_text(" ", strip=True)


def _card_badge(page: BeautifulSoup, slug: str) -> str | None:
    badge = _card(page, slug).select_one(".program-card__enrolment")
    return None if badge is None else " ".join(badge.get_text(" ", strip=True).split())


def _compare_row(page: BeautifulSoup, label: str):
    return next(
        th.find_parent("tr")
        for th in page.select("th.compare-table__label")
        if th.get_text(" ", strip=True).startswith(label)
    )


def _compare_cell(page: BeautifulSoup, label: str, column: int) -> str:
    cell = _compare_row(page, label).select("td")[column]
    for details in cell.select("details"):
        details.decompose()
    return " ".join(cell.get_text(" ", strip=True).split())


def _detail(slug: str) -> str:
    return reverse("programs:detail", kwargs={"slug": slug})


def _compare(*slugs: str) -> str:
    return reverse("compare:index") + "?" + "&".join(f"programs={s}" for s in slugs)


# -- the seed: cohort programs without dates ---------------------------------------------------


def test_the_guide_makes_harvard_and_hopkins_cohort_programs_with_no_published_date(
    client, catalog
):
    for slug in (HARVARD, JHU):
        program = Program.objects.get(slug=slug)
        assert program.format == Program.Format.COHORT
        assert program.citations.filter(field="format", quote=GUIDE_COHORT_SENTENCE).exists()
        assert not program.cohorts.exists()
        assert _fact(_page(client, _detail(slug)), "next_start") == NOT_PUBLISHED
    cards = _page(client, reverse("programs:list"))
    assert _card_start(cards, HARVARD) == NOT_PUBLISHED
    assert _card_start(cards, JHU) == NOT_PUBLISHED
    assert _card_badge(cards, HARVARD) is None


def test_self_paced_iabac_says_no_fixed_start_in_iabacs_voice_and_its_card_shows_none(
    client, catalog
):
    page = _page(client, _detail(IABAC))
    sentence = page.select_one("#fact-next_start blockquote p").get_text(strip=True)
    assert "study on their own schedule" in sentence
    # The guide reports IABAC's own published information: said in IABAC's voice, with it.
    assert _fact(page, "next_start") == (
        "Self-paced: no fixed start (according to IABAC, as the 2026 guide reports)"
    )
    cards = _page(client, reverse("programs:list"))
    assert _card_start(cards, IABAC) is None


def test_programs_of_unpublished_format_claim_no_start_and_no_self_pacing(client, catalog):
    for slug in (CEDARS, STANFORD):
        assert _fact(_page(client, _detail(slug)), "next_start") == NOT_PUBLISHED
        assert _card_start(_page(client, reverse("programs:list")), slug) is None
    question = (
        "- Are there fixed start dates? When does the next start, and when does enrolment close?"
    )
    harvard = _page(client, _detail(HARVARD)).select_one(f"#ask-text-{HARVARD}").get_text()
    assert question in harvard.splitlines()
    iabac = _page(client, _detail(IABAC)).select_one(f"#ask-text-{IABAC}").get_text()
    assert question not in iabac.splitlines()  # the sources say it is self-paced


def test_reverting_a_program_takes_its_cohorts_back_too(catalog):
    from programs import history

    before = timezone.now()
    _cohort(HARVARD, _days(30))
    program = history.revert_program(Program.objects.get(slug=HARVARD).pk, to=before)
    assert not program.cohorts.exists()
    assert Cohort.history.filter(program_id=program.pk, history_type="-").count() == 1


# -- an editor adds cohorts through the rendered admin form -------------------------------------


def _add_cohorts_in_admin(
    client, slug: str, rows: list[tuple[datetime.date, datetime.date | None]]
):
    program = Program.objects.get(slug=slug)
    sentences = [_sentence(start, deadline) for start, deadline in rows]
    document = new_page(" ".join(sentences))
    existing = program.cohorts.count()
    changes = {"cohorts-TOTAL_FORMS": str(existing + len(rows))}
    for row, ((start, deadline), sentence) in enumerate(
        zip(rows, sentences, strict=True), start=existing
    ):
        changes |= {
            f"cohorts-{row}-id": "",
            f"cohorts-{row}-program": str(program.pk),
            f"cohorts-{row}-start_date": start.isoformat(),
            f"cohorts-{row}-enrolment_deadline": deadline.isoformat() if deadline else "",
            f"cohorts-{row}-document": str(document.pk),
            f"cohorts-{row}-standing": "stated",
            f"cohorts-{row}-quote": sentence,
            f"cohorts-{row}-note": "",
        }
    url = reverse("admin:programs_program_change", args=[program.pk])
    return browser_post(client, url, "program_form", changes)


def test_an_editor_adds_a_future_and_a_past_cohort_and_only_the_future_one_shows(
    staff_client, catalog
):
    future, deadline, past = _days(40), _days(20), _days(-30)
    response = _add_cohorts_in_admin(staff_client, HARVARD, [(past, None), (future, deadline)])
    assert response.status_code == 302, response.content.decode()[:3000]
    harvard = Program.objects.get(slug=HARVARD)
    assert sorted(harvard.cohorts.values_list("start_date", flat=True)) == [past, future]
    assert Cohort.history.filter(program_id=harvard.pk).count() == 2

    page = _page(staff_client, _detail(HARVARD))
    cited = page.select_one("#fact-next_start blockquote p").get_text(strip=True)
    assert cited == f"“{_sentence(future, deadline)}”"
    assert _shown_dates(page) == {future, deadline}
    assert _fact(page, "next_start") == display.day(future)
    assert _fact(page, "enrolment") == f"Open for enrolment until {display.day(deadline)}"
    badge = page.select_one(".program__enrolment").get_text(" ", strip=True)
    assert badge.startswith("Open for enrolment until") and display.day(deadline) in badge

    staff_client.logout()
    cards = _page(staff_client, reverse("programs:list"))
    assert _card_start(cards, HARVARD) == display.day(future)
    assert _card_badge(cards, HARVARD) == f"Open for enrolment until {display.day(deadline)}"
    assert _card_badge(cards, JHU) is None

    table = _page(staff_client, _compare(HARVARD, JHU))
    assert _compare_cell(table, "Next start", 0) == display.day(future)
    assert _compare_cell(table, "Next start", 1) == NOT_PUBLISHED
    enrolment = _compare_row(table, "Enrolment").select("td")
    # The value is the badge: "Open for enrolment" once, not a badge beside the same words.
    assert enrolment[0].select_one(".badge--open").get_text() == (
        f"Open for enrolment until {display.day(deadline)}"
    )
    assert _compare_cell(table, "Enrolment", 0).count("Open for enrolment") == 1
    assert enrolment[1].select_one(".badge--open") is None

    soonest = _page(staff_client, reverse("programs:list") + "?sort=next_start")
    first = soonest.select("article.program-card a[id^=program-]")[0]
    assert first["id"] == f"program-{HARVARD}"


def test_a_sentence_without_the_date_is_refused_beside_the_date(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    document = new_page("The next cohort starts in the spring.")
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = browser_post(
        staff_client,
        url,
        "program_form",
        {
            "cohorts-TOTAL_FORMS": "1",
            "cohorts-0-program": str(program.pk),
            "cohorts-0-start_date": _days(50).isoformat(),
            "cohorts-0-document": str(document.pk),
            "cohorts-0-quote": "The next cohort starts in the spring.",
        },
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    errors = page.select(".field-start_date .errorlist li")
    assert [e.get_text() for e in errors] == [
        f"The sentence does not give {display.day(_days(50))}. Cite the sentence that gives "
        "this date with its year, or correct the date."
    ]
    assert not program.cohorts.exists()


def test_a_self_paced_program_takes_no_cohort(catalog):
    with pytest.raises(ValidationError, match="self-paced program has no fixed start"):
        _cohort(IABAC, _days(10))


def test_no_write_path_stores_a_cohort_whose_sentence_is_not_in_its_document(catalog):
    document = new_page("Another sentence altogether.")
    with pytest.raises(ValidationError):
        Cohort.objects.create(
            program=Program.objects.get(slug=HARVARD),
            start_date=_days(10),
            document=document,
            quote=_sentence(_days(10)),
        )


def test_a_document_edit_may_not_drop_a_cohorts_sentence(catalog):
    cohort = _cohort(HARVARD, _days(10))
    document = Document.objects.get(pk=cohort.document_id)
    document.text = "Nothing about dates."
    with pytest.raises(ValidationError, match="starts"):
        document.full_clean()


@pytest.mark.parametrize(
    ("sentence", "states"),
    [
        ("It starts on 3 March 2027.", True),
        ("It starts on March 3, 2027.", True),
        ("It starts on the 3rd of March 2027.", True),
        ("It starts on 3rd March 2027.", True),
        ("Starts Mar 3 2027.", True),
        ("Starts 2027-03-03.", True),
        ("It starts on 13 March 2027.", False),
        ("It starts on March 3.", False),
        ("It starts on 3 March 2028.", False),
    ],
)
def test_a_date_is_stated_only_with_its_day_month_and_year(sentence, states):
    assert support.states_date(sentence, datetime.date(2027, 3, 3)) is states


# -- a past date is never shown as upcoming ---------------------------------------------------


def _at(monkeypatch, day: datetime.date) -> None:
    """Move the site's clock to noon on `day` (every "today" reads timezone.now)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_page_cached_before_a_start_passed_never_shows_it_as_upcoming(
    client, catalog, monkeypatch
):
    first, second = _days(5), _days(60)
    _cohort(JHU, first)
    _cohort(JHU, second)
    before = client.get(_detail(JHU))
    assert _fact(BeautifulSoup(before.content.decode(), "html.parser"), "next_start") == (
        display.day(first)
    )
    card = _page(client, reverse("programs:list"))
    assert _card_start(card, JHU) == display.day(first)

    _at(monkeypatch, _days(6))  # the first cohort has started; nothing was written
    after = client.get(_detail(JHU))
    assert after["ETag"] != before["ETag"]
    page = BeautifulSoup(after.content.decode(), "html.parser")
    assert first not in _shown_dates(page)
    assert _fact(page, "next_start") == display.day(second)
    assert _card_start(_page(client, reverse("programs:list")), JHU) == display.day(second)
    # A client holding yesterday's copy is sent today's, not "304 Not Modified".
    revalidated = client.get(_detail(JHU), headers={"if-none-match": before["ETag"]})
    assert revalidated.status_code == 200
    since = client.get(_detail(JHU), headers={"if-modified-since": before["Last-Modified"]})
    assert since.status_code == 200

    _at(monkeypatch, _days(61))
    page = _page(client, _detail(JHU))
    assert _fact(page, "next_start") == NOT_PUBLISHED
    assert _card_start(_page(client, reverse("programs:list")), JHU) == NOT_PUBLISHED


def test_enrolment_is_open_until_the_deadline_and_then_closed_before_the_start(
    client, catalog, monkeypatch
):
    start, deadline = _days(30), _days(10)
    _cohort(HARVARD, start, deadline)
    assert _card_badge(_page(client, reverse("programs:list")), HARVARD) == (
        f"Open for enrolment until {display.day(deadline)}"
    )
    _at(monkeypatch, _days(11))
    page = _page(client, _detail(HARVARD))
    assert _fact(page, "next_start") == display.day(start)
    assert _fact(page, "enrolment") == (
        f"Enrolment for the {display.day(start)} start closed on {display.day(deadline)}"
    )
    assert page.select_one(".program__enrolment") is None
    assert _card_badge(_page(client, reverse("programs:list")), HARVARD) is None


def test_a_cohort_without_a_deadline_is_open_until_it_starts(catalog):
    harvard = Program.objects.get(slug=HARVARD)
    _cohort(HARVARD, _days(0))
    harvard = Program.objects.for_detail().get(pk=harvard.pk)
    assert harvard.open_cohort().start_date == _today()
    assert harvard.open_cohort(_days(1)) is None
    assert harvard.next_cohort(_days(1)) is None


# -- the next-start sort -----------------------------------------------------------------------


def _listed(client, query: str) -> list[str]:
    page = _page(client, reverse("programs:list") + query)
    return [a["id"].removeprefix("program-") for a in page.select("article.program-card h3 a")]


def test_next_start_sort_puts_the_soonest_first_and_unknown_and_past_last(client, catalog):
    _cohort(HARVARD, _days(60))
    _cohort(JHU, _days(20))
    _cohort(CEDARS, _days(-5))  # started: no next start
    order = _listed(client, "?sort=next_start")
    assert order[:2] == [JHU, HARVARD]
    assert set(order[2:]) == {IABAC, CEDARS, STANFORD, "abaim-ai-in-medicine-certification"}
    # Python and SQL agree on every program's next start.
    annotated = {p.slug: p.next_start_value for p in Program.objects.with_next_start()}
    loaded = {
        p.slug: (c.start_date if (c := p.next_cohort()) else None)
        for p in Program.objects.for_detail()
    }
    assert annotated == loaded


@pytest.mark.parametrize(
    "sort",
    ["junk", "-next_start", "next_start\x00", "next_start%00", "<b>x</b>", "9" * 400, "\x07"],
)
def test_junk_sort_values_give_the_default_sort(client, catalog, sort):
    default = _listed(client, "")
    response = client.get(reverse("programs:list"), {"sort": sort})
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    order = [a["id"].removeprefix("program-") for a in page.select("article.program-card h3 a")]
    assert order == default


# -- exports and linked data carry dates only where known --------------------------------------


def test_exports_carry_the_next_start_only_where_known(client, catalog):
    future = _days(45)
    _cohort(HARVARD, future)
    response = client.get(reverse("programs:export_json"))
    body = b"".join(response.streaming_content)
    programs = {p["slug"]: p["facts"] for p in json.loads(body)["programs"]}
    assert programs[HARVARD]["next_start"]["value"] == display.day(future)
    assert programs[HARVARD]["next_start"]["sources"][0]["quote"] == _sentence(future)
    assert programs[HARVARD]["enrolment"]["value"] == (
        f"Open for enrolment (no deadline published; it starts {display.day(future)})"
    )
    assert programs[JHU]["next_start"]["value"] is None
    assert programs[JHU]["next_start"]["sources"] == []
    csv_response = client.get(reverse("programs:export_csv"))
    lines = list(
        csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")))
    )
    # The header row (a legend sentence may come before it: issue #24 item 6 moves it).
    header = next(i for i, line in enumerate(lines) if line[:1] == ["slug"])
    by_slug = {line[0]: dict(zip(lines[header], line, strict=True)) for line in lines[header + 1 :]}
    assert by_slug[HARVARD]["next_start: as shown"] == display.day(future)
    assert by_slug[JHU]["next_start: as shown"] == ""


def test_linked_data_gives_a_course_instance_per_upcoming_cohort(client, catalog):
    future, deadline = _days(45), _days(30)
    _cohort(HARVARD, _days(-10))
    _cohort(HARVARD, future, deadline)
    page = _page(client, _detail(HARVARD))
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    instances = data["hasCourseInstance"]
    assert [i["startDate"] for i in instances] == [future.isoformat()]
    assert instances[0]["offers"]["availabilityEnds"] == deadline.isoformat()
    jhu = json.loads(
        _page(client, _detail(JHU)).select_one('script[type="application/ld+json"]').string
    )
    assert "startDate" not in json.dumps(jhu)


# -- query counts at two catalogue sizes -------------------------------------------------------

LIST_QUERIES = 6
"""The catalogue version, role choices, the page of programs (next start computed in it),
their modules, their cohorts, and one aggregate for every count."""
DETAIL_QUERIES = 7
"""The version, the program with provider and topics, modules, role fits, citations, cohorts
(with their documents), its change log."""
COMPARE_QUERIES = 8
"""The version, programs, modules, role fits, citations, cohorts, roles, the add list."""


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (reverse("programs:list") + "?sort=next_start", LIST_QUERIES),
        (_detail(HARVARD), DETAIL_QUERIES),
        (_compare(HARVARD, JHU), COMPARE_QUERIES),
    ],
)
def test_pages_with_cohorts_cost_the_same_queries_at_6_and_500_programs(
    client, catalog, url, queries, django_assert_num_queries
):
    """Cohorts load in one prefetch for a whole page: no query per program or per cohort."""
    _cohort(HARVARD, _days(30))
    _cohort(HARVARD, _days(-30))
    _cohort(JHU, _days(3))
    with django_assert_num_queries(queries):
        small = client.get(url)
    grow(500)  # synthetic cohort programs come with a past and an upcoming cohort each
    with django_assert_num_queries(queries):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    if "sort=next_start" in url:
        page = BeautifulSoup(large.content.decode(), "html.parser")
        starts = [
            datetime.date.fromisoformat(t["datetime"])
            for t in page.select("article.program-card .program-card__start time")
        ]
        assert starts == sorted(starts) and starts and starts[0] >= _today()


def test_the_editors_history_says_which_cohorts_an_edit_added(staff_client, catalog):
    future = _days(40)
    assert _add_cohorts_in_admin(staff_client, HARVARD, [(future, None)]).status_code == 302
    harvard = Program.objects.get(slug=HARVARD)
    page = _page(staff_client, reverse("admin:programs_program_history", args=[harvard.pk]))
    changes = [" ".join(li.get_text(" ", strip=True).split()) for li in page.select("td li")]
    assert f"Cohort: — → added: starts {display.day(future)}" in changes


def test_the_public_change_log_shows_a_cohort_an_editor_added(staff_client, client, catalog):
    future = _days(40)
    assert _add_cohorts_in_admin(staff_client, HARVARD, [(future, None)]).status_code == 302
    page = _page(client, reverse("programs:changes"))
    entry = page.select_one("li.change")
    assert (
        entry.select_one(".change__program").get_text(strip=True) == "AI in Health Care Certificate"
    )
    rows = [
        tuple(cell.get_text(" ", strip=True) for cell in row.select("th, td"))
        for row in entry.select("tr.change__row")
    ]
    assert rows == [("Cohort", "—", f"added: starts {display.day(future)}")]


def test_the_prepared_download_is_written_again_the_next_day(
    client, catalog, monkeypatch, settings
):
    """The full-catalogue files say which cohort starts next: a day's edition is not served the
    day after, and is removed when the next day's is prepared."""
    from pathlib import Path

    first, second = _days(3), _days(30)
    _cohort(JHU, first)
    _cohort(JHU, second)

    def shown(response) -> str:
        body = json.loads(b"".join(response.streaming_content))
        return {p["slug"]: p["facts"] for p in body["programs"]}[JHU]["next_start"]["value"]

    assert shown(client.get(reverse("programs:export_json"))) == display.day(first)
    editions = [p.name for p in Path(settings.PREPARED_EXPORTS_DIR).iterdir() if p.is_dir()]
    _at(monkeypatch, _days(4))
    assert shown(client.get(reverse("programs:export_json"))) == display.day(second)
    now = [p.name for p in Path(settings.PREPARED_EXPORTS_DIR).iterdir() if p.is_dir()]
    assert len(editions) == len(now) == 1 and editions != now

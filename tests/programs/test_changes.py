"""The public change log: what moved, on the program page, /changes/ and the Atom feed."""

import re
from io import StringIO
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import history
from programs.models import Program
from tests.factories import ModuleFactory, ProgramFactory
from tests.forms import browser_post
from tests.seed import HARVARD, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _edit_price(staff_client, slug: str, price: str) -> Program:
    program = Program.objects.get(slug=slug)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {
        "price_amount": price,
        **cite_in_form(program, "price", f"It costs ${price[0]},{price[1:]}."),
    }
    response = browser_post(staff_client, url, "program_form", changes)
    assert response.status_code == 302
    return program


def _rows(html: bytes, container_id: str | None = None) -> list[tuple[str, str, str]]:
    page = BeautifulSoup(html, "html.parser")
    scope = page.find(id=container_id) if container_id else page
    return [
        tuple(" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"]))
        for row in scope.find_all("tr", class_="change__row")
    ]


def test_a_program_page_shows_an_admin_edit_without_the_editor_s_name(
    staff_client, staff_user, catalog, client
):
    program = _edit_price(staff_client, JHU, "3150")
    response = client.get(program.get_absolute_url())
    assert ("Price", "$2,990", "$3,150") in _rows(response.content, "changes")
    section = BeautifulSoup(response.content, "html.parser").find(id="changes")
    assert staff_user.username not in section.get_text()


def test_a_program_page_says_when_nothing_has_changed(catalog, client):
    response = client.get(reverse("programs:detail", args=[JHU]))
    section = BeautifulSoup(response.content, "html.parser").find(id="changes")
    assert section.find(class_="empty")
    assert not section.find(class_="change__row")


def test_module_edits_show_as_changes_to_the_program(staff_client, catalog, client):
    program = Program.objects.get(slug=HARVARD)
    url = reverse("admin:programs_program_change", args=[program.pk])
    sentence = "The first module runs approximately six weeks."
    changes = {
        "modules-0-weeks": "6",
        **cite_in_form(program, "modules", sentence, supersede=False),
    }
    assert browser_post(staff_client, url, "program_form", changes).status_code == 302
    rows = _rows(client.get(program.get_absolute_url()).content, "changes")
    assert ("Module 1 · Weeks", "5", "6") in rows


def test_the_changes_page_lists_every_program_s_edits_newest_first(staff_client, catalog, client):
    _edit_price(staff_client, JHU, "3150")
    program = Program.objects.get(slug=HARVARD)
    url = reverse("admin:programs_program_change", args=[program.pk])
    browser_post(staff_client, url, "program_form", {"last_verified": "2026-11-25"})
    page = BeautifulSoup(client.get(reverse("programs:changes")).content, "html.parser")
    entries = page.find_all("li", class_="change")
    assert [e.find(class_="change__program").get_text() for e in entries] == [
        program.name,
        Program.objects.get(slug=JHU).name,
    ]
    assert "Last checked against the sources" in entries[0].get_text()


def test_saving_unchanged_adds_nothing_to_the_public_log(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    browser_post(staff_client, url, "program_form")
    page = BeautifulSoup(client.get(reverse("programs:changes")).content, "html.parser")
    assert not page.find("li", class_="change")
    assert page.find(class_="empty")


def test_a_deleted_program_shows_as_removed(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    staff_client.post(reverse("admin:programs_program_delete", args=[program.pk]), {"post": "yes"})
    page = BeautifulSoup(client.get(reverse("programs:changes")).content, "html.parser")
    entry = page.find("li", class_="change")
    assert "removed from the catalogue" in entry.get_text()
    assert not entry.find("a", class_="change__program")


def test_the_atom_feed_carries_each_change(staff_client, catalog, client):
    _edit_price(staff_client, JHU, "3150")
    response = client.get(reverse("programs:changes_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title").endswith(": Price")
    assert "Price: $2,990 → $3,150" in entries[0].findtext(f"{ATOM}summary")
    assert entries[0].findtext(f"{ATOM}id").startswith("certcatalog-change-")


@pytest.mark.usefixtures("unchecked_support")
@pytest.mark.parametrize("size", [6, 60])
def test_changes_and_detail_query_counts_do_not_grow_with_history(
    client, catalog, size, django_assert_num_queries
):
    """Changes: count, records, their predecessors, module records and theirs, cohort records
    (none here, so no predecessors to read), the citations the edits added (their new sources)
    and the catalogue version (which carries the footer). Detail: the page's 6 (cohorts among
    them), plus the same six."""
    for i in range(size):
        program = ProgramFactory(slug=f"extra-{i}")
        with history.revision():
            program.summary = f"Edited {i}"
            program.save()
            module = ModuleFactory(program=program, position=1, weeks=2)
        with history.revision():
            module.weeks = 3
            module.save()
            program.save()
    with django_assert_num_queries(8):
        assert client.get(reverse("programs:changes")).status_code == 200
    with django_assert_num_queries(12):
        assert client.get(reverse("programs:detail", args=["extra-0"])).status_code == 200


@pytest.mark.parametrize("page", ["999", "abc", "-1", "1\x00"])
def test_bad_pages_of_changes_never_fail(client, catalog, page):
    assert client.get(reverse("programs:changes"), {"page": page}).status_code == 200


def test_seed_catalog_never_reloads_after_the_catalogue_was_emptied(catalog, client):
    Program.objects.all().delete()
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    assert "fixtures not loaded" in out.getvalue()
    assert not Program.objects.exists()
    assert history.catalogue_was_ever_loaded()


def test_seed_catalog_records_the_seed_as_one_first_revision(catalog):
    records = Program.history.filter(revision=history.SEED_REVISION)
    assert records.count() == Program.objects.count()
    assert not Program.history.exclude(revision=history.SEED_REVISION).exists()


def test_each_change_has_its_own_address_and_the_feed_links_there(staff_client, catalog):
    _edit_price(staff_client, JHU, "3150")
    reader = Client()
    feed = ElementTree.fromstring(reader.get(reverse("programs:changes_feed")).content)
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert re.fullmatch(r"http://testserver/changes/\d+/", link)
    page = BeautifulSoup(reader.get(link.removeprefix("http://testserver")).content, "html.parser")
    row = page.find("tr", class_="change__row")
    assert [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])] == [
        "Price",
        "$2,990",
        "$3,150",
    ]
    assert (
        page.find(class_="change__source")
        .get_text(" ", strip=True)
        .startswith("New source: “It costs $3,150.”")
    )
    assert reader.get("/changes/999999/").status_code == 404


def test_the_change_log_filters_by_program_and_date_and_each_program_has_a_feed(
    staff_client, catalog
):
    _edit_price(staff_client, JHU, "3150")
    reader = Client()

    def programs_listed(query: str) -> list[str]:
        page = BeautifulSoup(reader.get(f"/changes/?{query}").content, "html.parser")
        return [e.get_text() for e in page.find_all(class_="change__program")]

    name = Program.objects.get(slug=JHU).name
    assert programs_listed(f"program={JHU}") == [name]
    assert programs_listed(f"program={HARVARD}") == []
    assert programs_listed("since=2999-01-01") == []
    assert programs_listed("since=2000-01-01") == [name]
    junk = reader.get("/changes/", {"program": "no-such\x00thing", "since": "soon"})
    assert junk.status_code == 200
    errors = BeautifulSoup(junk.content, "html.parser").find_all(class_="errorlist")
    assert errors and all(e.get_text() for e in errors)
    assert "Enter a valid date." in [e.get_text() for e in errors]
    feed = reader.get(reverse("programs:program_feed", args=[JHU]))
    assert feed.status_code == 200
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert reader.get(reverse("programs:program_feed", args=["nope"])).status_code == 404


def test_a_revert_is_one_correction_and_a_restore_says_when_it_was_removed(staff_client, catalog):
    program = _edit_price(staff_client, JHU, "3150")
    seed = Program.history.get(id=program.pk, revision=history.SEED_REVISION)
    staff_client.post(reverse("admin:programs_program_revert", args=[program.pk, seed.history_id]))
    staff_client.post(reverse("admin:programs_program_delete", args=[program.pk]), {"post": "yes"})
    staff_client.post(reverse("admin:programs_program_restore", args=[program.pk]))
    page = BeautifulSoup(Client().get(f"/changes/?program={JHU}").content, "html.parser")
    entries = [" ".join(e.get_text(" ").split()) for e in page.find_all("li", class_="change")]
    today = timezone.localdate()
    assert len(entries) == 4, entries
    assert f"Restored (removed on {today:%-d %B %Y})" in entries[0]
    assert "added to the catalogue" not in " ".join(entries)
    assert "removed from the catalogue" in entries[1]
    assert "Correction: back to the version of" in entries[2]
    assert "Price $3,150 $2,990" in entries[2]
    assert "Price $2,990 $3,150" in entries[3]

"""How the public change log and its Atom feed word each kind of change: choice labels and Yes/No
rather than stored values, and whole programs added or removed, in words."""

import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs import history
from programs.models import Program
from tests.factories import ProgramFactory, ProviderFactory
from tests.forms import browser_post
from tests.seed import IABAC
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_entries(client) -> list[tuple[str, str]]:
    response = client.get(reverse("programs:changes_feed"))
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary"))
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_choices_and_yes_no_facts_change_in_words_on_the_changes_page(
    staff_client, catalog, client
):
    program = Program.objects.get(slug=IABAC)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"format": "cohort", "is_proctored": "false"} | cite_in_form(
        program,
        ("format", "exam"),
        "Candidates now join a cohort with fixed start dates, and the exam is not proctored.",
    )
    assert browser_post(staff_client, url, "program_form", changes).status_code == 302
    staff_client.logout()

    page = BeautifulSoup(client.get(reverse("programs:changes")).content, "html.parser")
    rows = {
        row.find(class_="change__field").get_text(): (
            row.find(class_="change__old").get_text(),
            row.find(class_="change__new").get_text(),
        )
        for row in page.find("li", class_="change").find_all("tr", class_="change__row")
    }
    assert rows == {
        "Format": ("Self-paced", "Cohort with fixed start dates"),
        "Proctored": ("Yes", "No"),
    }


def test_the_feed_says_in_words_that_a_program_was_added_and_then_removed(client, db):
    provider = ProviderFactory(short_name="Northwind")
    program = ProgramFactory(provider=provider, name="Clinical AI Basics")
    program.delete()
    assert _feed_entries(client) == [
        (
            "Northwind Clinical AI Basics was removed from the catalogue",
            "Northwind Clinical AI Basics was removed from the catalogue.",
        ),
        (
            "Northwind Clinical AI Basics was added to the catalogue",
            "Northwind Clinical AI Basics was added to the catalogue.",
        ),
    ]


def test_a_program_cannot_be_reverted_to_before_it_existed(db):
    program = ProgramFactory()
    created = Program.history.get(id=program.pk).history_date
    with pytest.raises(Program.DoesNotExist, match=f"Program {program.pk} did not exist"):
        history.revert_program(program.pk, to=created - datetime.timedelta(seconds=1))


def test_recording_the_seed_history_twice_adds_no_second_record(catalog):
    counts = {model: model.history.count() for model in history.CATALOGUE_MODELS}
    history.record_seed_history()
    assert {model: model.history.count() for model in history.CATALOGUE_MODELS} == counts

"""The ask-the-provider checklist and derived value figures, on program and compare pages."""

from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs.models import Program, Provider
from tests.seed import HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_program_page_lists_questions_for_every_unpublished_fact(client, catalog):
    page = _page(client, reverse("programs:detail", args=[IABAC]))
    text = page.find(id=f"ask-text-{IABAC}").get_text()
    assert "- What does the whole program cost, including any exam or certificate fees?" in text
    assert "- How many hours a week does it take?" in text
    assert "framework" not in text  # IABAC's framework alignment is published
    assert not page.find(class_="ask__mail"), "no contact is known, so no mailto"


def test_a_published_fact_is_not_asked_about(client, catalog):
    text = _page(client, reverse("programs:detail", args=[JHU])).find(id=f"ask-text-{JHU}")
    assert "What does the whole program cost" not in text.get_text()
    assert "How many hours a week" in text.get_text()


def test_a_known_contact_gets_a_mailto_with_the_questions(client, catalog):
    program = Program.objects.get(slug=JHU)
    Provider.objects.filter(pk=program.provider_id).update(contact_email="courses@example.org")
    link = _page(client, program.get_absolute_url()).find("a", class_="ask__mail")
    href = unquote(link["href"])
    assert href.startswith("mailto:courses@example.org?subject=Questions about AI in Healthcare")
    assert "- How many hours a week does it take?" in href


def test_compare_page_lists_the_questions_for_each_program(client, catalog):
    page = _page(client, reverse("compare:index"), programs=[HARVARD, IABAC])
    section = page.find("section", class_="asks")
    assert section.find(id=f"ask-text-{IABAC}")
    assert "What does the whole program cost" not in section.find(id=f"ask-text-{HARVARD}").text


def test_price_per_study_hour_is_derived_only_from_published_figures(client, catalog):
    page = _page(client, reverse("programs:detail", args=[HARVARD]))
    value = " ".join(page.find(id="fact-price_per_hour").dd.get_text(" ").split())
    assert value.startswith("about $64–80 per study hour")
    jhu = _page(client, reverse("programs:detail", args=[JHU])).find(id="fact-price_per_hour")
    assert "Cannot be derived" in jhu.dd.get_text()


def test_the_questions_are_one_per_line_without_indentation(client, catalog):
    """The question box and the email body hold one "- question" per line, nothing before it
    (a template formatter once indented them, which put spaces into the box and the email)."""
    from urllib.parse import parse_qs, urlparse

    from bs4 import BeautifulSoup

    from programs.models import Program, Provider

    program = Program.objects.get(slug="stanford-ai-in-healthcare")
    Provider.objects.filter(pk=program.provider_id).update(contact_email="ask@example.org")
    page = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    lines = page.select_one("textarea.ask__text").get_text().splitlines()
    assert lines[0].startswith("Questions about ")
    assert lines[1:] and all(line.startswith("- ") for line in lines[1:] if line)
    body = parse_qs(urlparse(page.select_one("a.ask__mail")["href"]).query)["body"][0]
    assert all(line.startswith("- ") for line in body.splitlines() if line)

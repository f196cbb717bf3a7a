"""The list page's search box: word stems and web-search syntax on PostgreSQL, substrings on both.

programs/filters.py adds PostgreSQL full-text search (the stored, GIN-indexed search document) to
the substring matches every database runs. These tests run on both databases and assert what
each one does; none is skipped, so a run on either database proves its own behaviour (CI runs
the suite on SQLite and again on PostgreSQL).
"""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from programs.models import Program
from tests.factories import ProgramFactory
from tests.forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db

LIST_QUERIES = 5
"""As tests/programs/test_list_page.py: a search adds no query (its condition is in the page's)."""


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _search(client, words: str) -> set[str]:
    """Type `words` in the list page's search box, submit the form as rendered, and return the
    slugs of the programs listed."""
    url = reverse("programs:list")
    data = as_post_data(form_fields(client.get(url).content.decode(), "filter-form"), {"q": words})
    response = client.get(url, data, follow=True)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find(id="id_q")["value"] == words
    return {a["id"].removeprefix("program-") for a in page.select(".program-card__title a")}


@pytest.fixture
def governance():
    ProgramFactory(slug="governance", summary="AI governance for hospital leaders.")
    ProgramFactory(slug="radiology", summary="AI governance in radiology departments.")
    ProgramFactory(slug="unrelated", summary="Statistics for clinicians.")


def test_a_search_finds_another_form_of_the_word_on_postgresql_only(client, governance):
    """ "governing" is stemmed to "govern" on PostgreSQL, as "governance" is in the document;
    SQLite matches substrings only, and "governing" is in no summary."""
    expected = {"governance", "radiology"} if _full_text() else set()
    assert _search(client, "governing") == expected


def test_part_of_a_word_finds_it_on_every_database(client, governance):
    assert _search(client, "govern") == {"governance", "radiology"}
    assert _search(client, "GOVERN") == {"governance", "radiology"}


def test_web_search_syntax_excludes_words_and_matches_phrases_on_postgresql(client, governance):
    """`-word` leaves out programs that mention it; on SQLite the text is one substring that no
    summary holds."""
    expected = {"governance"} if _full_text() else set()
    assert _search(client, '"ai governance" -radiology') == expected


def test_search_follows_an_edited_summary(client, governance):
    """The search document is a generated column: an edit changes what the program is found by."""
    Program.objects.filter(slug="governance").update(summary="Leading radiological AI projects.")
    assert _search(client, "govern") == {"radiology"}
    expected = {"governance", "radiology"} if _full_text() else {"governance"}
    assert _search(client, "radiological") == expected


def test_best_for_is_searched_by_full_text_and_the_provider_by_substring(client):
    """The stored document holds name, summary and "best for"; the substring matches read name,
    summary, provider and topics. So "best for" words are found on PostgreSQL only."""
    ProgramFactory(slug="leaders", summary="Short course.", best_for="Hospital administrators.")
    ProgramFactory(slug="other", summary="Short course.", provider__name="Northwind Institute")
    assert _search(client, "administrators") == ({"leaders"} if _full_text() else set())
    assert _search(client, "northwind") == {"other"}


def test_search_operators_typed_as_text_are_harmless(client, governance):
    """PostgreSQL's websearch parser never raises on tsquery syntax; SQLite sees plain text."""
    assert _search(client, "governance & | ! ( :* )") == (
        {"governance", "radiology"} if _full_text() else set()
    )


def test_a_search_adds_no_query_to_the_list_page(client, governance, django_assert_num_queries):
    """The full-text condition is ORed into the page's own queries, never run on its own."""
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("programs:list"), {"q": "governance"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    cards = {a["id"].removeprefix("program-") for a in page.select(".program-card__title a")}
    assert cards == {"governance", "radiology"}


def test_the_stored_search_document_is_empty_on_sqlite_and_stemmed_on_postgresql():
    ProgramFactory(slug="doc", name="Clinical AI", summary="Governance.", best_for="Nurses.")
    document = Program.objects.values_list("search_document", flat=True).get(slug="doc")
    if _full_text():
        assert document == "'ai':2 'clinic':1 'govern':3 'nurs':4"
    else:
        assert document == ""

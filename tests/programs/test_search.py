"""The list page's search box: English word stems, `-word` and the sources' sentences on every
database, besides substrings (issue #21).

PostgreSQL answers from the stored, GIN-indexed search document; SQLite from the stored Snowball
stems (programs/search.py). These tests run on both databases and expect the same answers;
none is skipped, so a run on either database proves it (CI runs the suite on both).
"""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from programs.models import Program
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory
from tests.forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6
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


def test_a_search_finds_another_form_of_the_word(client, governance):
    """ "governing" is stemmed to "govern", as "governance" is in the document."""
    assert _search(client, "governing") == {"governance", "radiology"}


def test_part_of_a_word_finds_it_on_every_database(client, governance):
    assert _search(client, "govern") == {"governance", "radiology"}
    assert _search(client, "GOVERN") == {"governance", "radiology"}


def test_web_search_syntax_excludes_words(client, governance):
    """`-word` leaves out programs that mention it."""
    assert _search(client, '"ai governance" -radiology') == {"governance"}


def test_search_follows_an_edited_summary(client, governance, unchecked_support):
    """An edit changes what the program is found by."""
    program = Program.objects.get(slug="governance")
    program.summary = "Leading radiological AI projects."
    program.save()
    assert _search(client, "govern") == {"radiology"}
    assert _search(client, "radiological") == {"governance", "radiology"}


def test_best_for_and_the_provider_are_searched(client):
    ProgramFactory(slug="leaders", summary="Short course.", best_for="Hospital administrators.")
    ProgramFactory(slug="other", summary="Short course.", provider__name="Northwind Institute")
    assert _search(client, "administrator") == {"leaders"}
    assert _search(client, "northwind") == {"other"}


def test_search_operators_typed_as_text_are_harmless(client, governance):
    """PostgreSQL's websearch parser never raises on tsquery syntax; SQLite sees plain text."""
    assert _search(client, "governance & | ! ( :* )") == {"governance", "radiology"}


@pytest.mark.parametrize("extra", [0, 40])
def test_a_search_adds_two_queries_whatever_the_catalogue(
    client, governance, extra, django_assert_num_queries
):
    """The condition is in the page's own queries; the matching sentences shown beside the
    results cost two more (the page's citations and role fits), at any catalogue size."""
    grow(6 + extra)
    with django_assert_num_queries(LIST_QUERIES + 2):
        response = client.get(reverse("programs:list"), {"q": "radiology"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    cards = {a["id"].removeprefix("program-") for a in page.select(".program-card__title a")}
    assert cards == {"radiology"}


def test_the_stored_search_columns_hold_the_programs_words_stemmed():
    ProgramFactory(slug="doc", name="Clinical AI", summary="Governance.", best_for="Nurses.")
    program = Program.objects.get(slug="doc")
    assert {" clinic ", " ai ", " govern ", " nurs "} <= {
        f" {s} " for s in program.search_stems.split()
    }
    document = Program.objects.values_list("search_document", flat=True).get(slug="doc")
    if _full_text():
        assert {"'ai'", "'clinic'", "'govern'", "'nurs'"} <= {
            part.split(":")[0] for part in document.split()
        }
    else:
        assert document == ""


# What the sources say: the seed's sentences (issue #21). ----------------------------------


@pytest.mark.parametrize(
    ("words", "slug", "sentence_start"),
    [
        # "…who need continuing education credit as part of their recertification requirements."
        (
            "recertification",
            "stanford-ai-in-healthcare",
            "Stanford's AI in Healthcare Specialization",
        ),
        # "The American Board of Artificial Intelligence in Medicine positions itself…"
        ("board", "abaim-ai-in-medicine-certification", "The American Board of Artificial"),
        # Only in a cited sentence: "…with a passing threshold of 70 correct answers…"
        ("thresholds", "abaim-ai-in-medicine-certification", "The assessment is 110 questions"),
        # IABAC's audience: "…clinical informatics professionals, nursing leaders, …"
        ("nursing", "iabac-ai-in-healthcare", "The target audience is deliberately broad"),
    ],
)
def test_the_sources_sentences_are_searched_and_shown(client, catalog, words, slug, sentence_start):
    assert slug in _search(client, words)
    page = BeautifulSoup(client.get(reverse("programs:list"), {"q": words}).content, "html.parser")
    card = page.find(id=f"program-{slug}").find_parent("article")
    hits = [q.get_text(" ", strip=True) for q in card.select(".program-card__hits blockquote p")]
    assert any(hit.startswith(f"“{sentence_start}") for hit in hits), hits
    assert words[:6].lower() in " ".join(hits).lower()
    credit = card.select_one(".program-card__hits footer").get_text(" ", strip=True)
    assert (
        "Best AI Certifications for Healthcare Workers" in credit
        or "Dinc" in credit
        or ("Are There Certifications" in credit)
    )


def test_nursing_does_not_find_programs_no_source_names_for_nurses(client, catalog):
    found = _search(client, "nursing")
    assert "iabac-ai-in-healthcare" in found
    assert "harvard-ai-in-health-care" not in found


def test_a_role_name_finds_the_programs_fitted_to_it(client, catalog):
    # The role "Hospital operations managers": IABAC ("a direct match") and Cedars-Sinai.
    assert {"iabac-ai-in-healthcare", "cedars-sinai-applied-ai-health-systems"} <= _search(
        client, "operations managers"
    )


def test_a_renamed_topic_finds_its_programs_by_its_new_name(client, catalog):
    from programs.models import Topic

    topic = Topic.objects.get(slug="ai-governance")
    topic.name = "Stewardship of algorithms"
    topic.save()
    assert "iabac-ai-in-healthcare" in _search(client, "stewardship")


def test_stemming_from_many_threads_at_once_gives_each_its_own_words():
    """gunicorn's threads stem search words side by side: a shared Snowball stemmer mixed their
    words up and raised IndexError, a 500 under `make faults` (programs/search.py _stemmer)."""
    import threading

    from programs import search

    texts = [
        f"{word} certification programs for nurses and physicians, {n} responsibilities"
        for n, word in enumerate(["governance", "implementation", "informatics", "leadership"] * 8)
    ]
    expected = {text: search.stems(text) for text in texts}
    wrong: list[str] = []

    def stem_all() -> None:
        try:
            for _ in range(40):
                for text in texts:
                    if search.stems(text) != expected[text]:
                        wrong.append(text)
        except Exception as exc:  # noqa: BLE001 -- what a shared stemmer raises is the finding
            wrong.append(repr(exc))

    threads = [threading.Thread(target=stem_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []

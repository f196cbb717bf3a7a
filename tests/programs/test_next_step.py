"""Where to go next (issue #24, item 4): the page the sources point to, in their words, and the
provider's page once an editor enters it."""

import importlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs.models import Citation, Document, LinkCheck, Program
from programs.next_step import next_step
from tests.catalogue_builder import grow
from tests.forms import browser_post
from tests.seed import ABAIM, ALL, CEDARS, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db

SEEDS = Path("/work/shared/seeds")

# Each program's pointer, written from the guide's sentences (read them in the seed): who points
# where, in the guide's words; "their" in two sentences stands for the provider.
POINTERS = {
    IABAC: (
        "The 2026 guide (which promotes IABAC) points to “IABAC's Artificial Intelligence "
        "Certification Programs”; it gives no address.",
        "Hospital administrators and domain-aligned professionals should explore IABAC's "
        "Artificial Intelligence Certification Programs directly and review the structured "
        "assessment process before comparing it to other options.",
    ),
    HARVARD: (
        "The 2026 guide points to “Harvard's digital health course page”; it gives no address.",
        "Learn more about Harvard's digital health offerings through Harvard's digital health "
        "course page.",
    ),
    JHU: (
        "The 2026 guide points to “their official AI in Healthcare Certificate Program” "
        "(“their”: Johns Hopkins'); it gives no address.",
        "Details on Johns Hopkins' offering are available on their official AI in Healthcare "
        "Certificate Program.",
    ),
    CEDARS: (
        # The guide writes Cedars‑Sinai here with a non-breaking hyphen (U+2011).
        "The 2026 guide points to “Cedars\u2011Sinai's Certificate in Applied AI for Health "
        "Systems page”; it gives no address.",
        "More information is available on Cedars\u2011Sinai's Certificate in Applied AI for "
        "Health Systems page.",
    ),
    ABAIM: (
        "The 2026 guide points to “their official certification page” (“their”: ABAIM's); it "
        "gives no address.",
        "See ABAIM's certification details on their official certification page.",
    ),
}
NO_PAGE = "The sources point to no page for this program and give no address."


def _seed_text() -> str:
    return " ".join(" ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt"))).split())


def _block(client, slug):
    page = BeautifulSoup(client.get(reverse("programs:detail", args=[slug])).content, "html.parser")
    return page.select_one("#where-to-go-next")


def _text(element) -> str:
    return " ".join(element.get_text().split())


def change_url(program) -> str:
    return reverse("admin:programs_program_change", args=[program.pk])


@pytest.mark.parametrize("slug", ALL)
def test_where_to_go_next_names_the_page_in_the_sources_words(client, catalog, slug):
    block = _block(client, slug)
    pointer = _text(block.select_one(".next-step__pointer"))
    quotes = [_text(q) for q in block.select(".citation__quote > p:not(.citation__referent)")]
    if slug == STANFORD:
        # The guide's Stanford paragraph points to no page; Dinc's essay names none either.
        assert pointer == NO_PAGE
        assert quotes == []
    else:
        expected, sentence = POINTERS[slug]
        assert sentence in _seed_text()
        assert pointer == expected
        assert quotes == [f"“{sentence}”"]
        assert "2026 Guide" in _text(block.select_one(".citation__quote footer"))
    # No address was entered: nothing links out, and the block says so.
    assert block.select("a.next-step__link") == []
    assert _text(block.select_one(".next-step__link-row--none")).startswith("No address for")


@pytest.mark.parametrize("slug", [s for s in ALL if s != STANFORD])
def test_every_named_page_is_word_for_word_in_its_cited_sentence(catalog, slug):
    program = Program.objects.get(slug=slug)
    citation = program.citations.get(field=Citation.Field.NAMED_PAGE)
    assert program.named_page in citation.quote
    assert citation.document.contains_quote(citation.quote)


def test_the_link_appears_once_an_editor_enters_the_address(staff_client, client, catalog):
    """Entered through the rendered change page, it links from the detail page's block (with
    the host shown and external-link marking), the list's card and the comparison table."""
    program = Program.objects.get(slug=HARVARD)
    address = "https://learn.example.edu/harvard/ai-in-health-care?from=certcatalog"
    response = browser_post(
        staff_client,
        change_url(program),
        "program_form",
        {"url": address, "change_reason": "Found Harvard's page"},
    )
    assert response.status_code == 302

    block = _block(client, HARVARD)
    link = block.select_one("a.next-step__link")
    assert link["href"] == address
    assert {"noopener", "external"} <= set(link["rel"])
    assert _text(link).startswith("learn.example.edu")
    assert block.select_one(".next-step__external").get_text() == "↗"
    # The sources still give no address: the pointer says so, whatever the editors entered.
    assert _text(block.select_one(".next-step__pointer")) == POINTERS[HARVARD][0]
    assert "as our editors entered it" in _text(block.select_one(".next-step__link-row"))

    listing = BeautifulSoup(client.get(reverse("programs:list")).content, "html.parser")
    card = listing.select_one(f"#program-{HARVARD}").find_parent("article")
    assert card.select_one(".program-card__link a")["href"] == address
    others = [c for c in listing.select("article.program-card") if c is not card]
    assert all(not c.select(".program-card__link") for c in others)

    table = BeautifulSoup(
        client.get(reverse("compare:index"), {"programs": [HARVARD, JHU]}).content,
        "html.parser",
    )
    links = table.select(".compare-table__provider-link")
    assert [a["href"] for a in links] == [address]


def test_a_stored_script_address_is_never_linked(client, catalog):
    """Rows written around validation (an old row, a restored backup) still link nowhere."""
    Program.objects.filter(slug=JHU).update(url="javascript:alert(1)")
    block = _block(client, JHU)
    assert block.select("a.next-step__link") == []
    assert "javascript" not in str(block)


def test_a_broken_link_is_still_shown_to_readers(client, catalog):
    """Whether the address worked when last checked is for editors; a check may itself fail."""
    address = "https://www.example.org/jhu-ai-certificate"
    Program.objects.filter(slug=JHU).update(url=address)
    LinkCheck.objects.create(
        address=address, ok=False, status=404, method="HEAD", error="HTTP 404",
        checked_at="2026-12-01T10:00:00Z",
    )  # fmt: skip
    block = _block(client, JHU)
    assert block.select_one("a.next-step__link")["href"] == address
    assert "404" not in _text(block) and "roken" not in _text(block)


def test_a_named_page_the_sentence_does_not_name_is_refused(staff_client, catalog):
    """A published program's page name must be in its cited sentence, word for word."""
    program = Program.objects.get(slug=HARVARD)
    response = browser_post(
        staff_client,
        change_url(program),
        "program_form",
        {"named_page": "Harvard's official certificate page"},
    )
    assert response.status_code == 200  # the change page again, the error beside the field
    errors = response.context["adminform"].form.errors["named_page"]
    assert errors == [
        "No cited sentence names “Harvard's official certificate page”. Cite one that does, "
        "or leave it empty."
    ]
    program.refresh_from_db()
    assert program.named_page == "Harvard's digital health course page"


def test_next_step_reads_prefetched_citations_only(catalog, django_assert_num_queries):
    program = Program.objects.for_detail().get(slug=ABAIM)
    with django_assert_num_queries(0):
        step = next_step(program)
    assert step.pointer == POINTERS[ABAIM][0]


def test_two_documents_naming_the_page_are_both_named(catalog):
    """When a second source names the same page, the pointer names both speakers."""
    program = Program.objects.get(slug=HARVARD)
    other = Document.objects.create(
        title="Harvard's page", cite_as="Harvard's own page", publisher="Harvard",
        text="See Harvard's digital health course page for dates.",
    )  # fmt: skip
    Citation.objects.create(
        program=program, field=Citation.Field.NAMED_PAGE, document=other,
        quote="See Harvard's digital health course page for dates.",
    )  # fmt: skip
    step = next_step(Program.objects.for_detail().get(pk=program.pk))
    assert step.pointer == (
        "The 2026 guide and Harvard's own page point to “Harvard's digital health course "
        "page”; they give no address."
    )


@pytest.mark.parametrize("total", [6, 120])
def test_detail_query_count_is_flat_with_an_address(
    client, catalog, total, django_assert_num_queries
):
    """The catalogue version (with the footer), the program with its provider and topic
    names, modules, role fits, citations, cohorts, its change log: the block and its link add none,
    at any catalogue size."""
    grow(total)
    Program.objects.filter(slug=CEDARS).update(url="https://www.example.org/cedars")
    with django_assert_num_queries(7):
        response = client.get(reverse("programs:detail", args=[CEDARS]))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("a.next-step__link")["href"] == "https://www.example.org/cedars"


def test_the_migration_names_the_same_pages_as_the_fixture(catalog):
    """A catalogue loaded before migration 0020 gets what a new one loads from the fixture."""
    migration = importlib.import_module("programs.migrations.0020_links")
    loaded = {
        p.slug: (p.named_page, c.quote, c.referent)
        for p in Program.objects.exclude(named_page=None)
        for c in p.citations.filter(field=Citation.Field.NAMED_PAGE)
    }
    assert loaded == migration.NAMED_PAGES

"""The site's own voice never repeats a source's judgement as fact (issue #21): role intros are
the guide's sentences, quoted and attributed; a summary resting only on a promoter's words says
so in the header and the meta description; cards say when a source promotes the program; who
says so names the sentence's speaker."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.facts import facts_for
from programs.models import Document, Program, Role
from tests.seed import ABAIM, ALL, HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db

GUIDE_ROLE_SENTENCES = {
    "clinicians": "Clinicians need credentials that address clinical decision support, "
    "diagnostic AI, and patient safety, not generic data science content.",
    "hospital-administrators": "Administrators need to govern AI tools, evaluate vendor "
    "performance claims, and lead digital transformation initiatives.",
    "clinical-informatics": "This group needs a credential that bridges clinical domain "
    "knowledge with technical analytics capability.",
    "healthcare-data": "This group needs a credential that bridges clinical domain knowledge "
    "with technical analytics capability.",
}
"""From the guide's "Choosing an AI healthcare certification by role" section."""


def _page(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("slug", list(GUIDE_ROLE_SENTENCES))
def test_a_role_intro_is_the_guides_sentence_quoted_with_whom_it_is_about(client, catalog, slug):
    role = Role.objects.get(slug=slug)
    page = _page(client, role.get_absolute_url())
    intro = page.select_one("figure.role-intro")
    who = intro.select_one(".role-intro__who").get_text(" ", strip=True)
    # "This group needs…": the pronoun's referent is named before the quote.
    assert who == f"Of {role.name.lower()}, the 2026 guide (which promotes IABAC) says:"
    quote = intro.select_one("blockquote p").get_text(strip=True)
    assert quote == f"“{GUIDE_ROLE_SENTENCES[slug]}”"
    assert "promotes IABAC" in intro.select_one("footer").get_text()
    # Nowhere else on the page does the sentence stand as the site's own words.
    lead = [p for p in page.select("p.lead") if GUIDE_ROLE_SENTENCES[slug][:30] in p.get_text()]
    assert lead == []


def test_a_role_description_must_be_a_sentence_of_its_source(catalog):
    role = Role.objects.get(slug="clinicians")
    role.description = "Clinicians love AI."
    with pytest.raises(ValidationError):
        role.save()


def test_a_document_edit_cannot_drop_a_role_descriptions_sentence(catalog):
    guide = Document.objects.get(pk=1)
    guide.text = guide.text.replace(GUIDE_ROLE_SENTENCES["clinicians"], "")
    with pytest.raises(ValidationError, match="Role “Clinicians” · description"):
        guide.save()


def test_iabacs_summary_is_said_to_be_the_promoting_guides_description(client, catalog):
    page = _page(client, reverse("programs:detail", args=[IABAC]))
    voice = "As the 2026 guide (which promotes IABAC) describes it:"
    assert page.select_one(".program__summary .program__voice").get_text(strip=True) == voice
    assert page.find("meta", attrs={"name": "description"})["content"].startswith(voice)
    assert page.find("meta", attrs={"property": "og:description"})["content"].startswith(voice)


@pytest.mark.parametrize("slug", [s for s in ALL if s != IABAC])
def test_a_summary_from_a_source_that_does_not_promote_it_needs_no_such_words(
    client, catalog, slug
):
    page = _page(client, reverse("programs:detail", args=[slug]))
    assert page.select_one(".program__voice") is None


def test_cards_say_which_source_promotes_the_program(client, catalog):
    page = _page(client, reverse("programs:list"))
    for slug in ALL:
        card = page.find(id=f"program-{slug}").find_parent("article")
        voice = card.select_one(".program-card__voice")
        if slug == IABAC:
            assert voice.get_text(" ", strip=True).startswith(
                "The 2026 guide, a source of these facts, promotes this program"
            )
        else:
            assert voice is None


def test_who_says_so_names_the_speaker_not_the_subject(catalog):
    """IABAC's format: "Based on IABAC's published program information, its assessment-based
    format allows candidates to study on their own schedule…" — IABAC's word, passed on by the
    guide. Its credential: the guide's own word on the program it promotes. Harvard's
    framework: the guide's hedge ("typically"), the guide promoting a competitor."""
    facts = {
        slug: {f.key: f for f in facts_for(Program.objects.for_detail().get(slug=slug))}
        for slug in (IABAC, HARVARD, JHU, ABAIM)
    }
    assert facts[IABAC]["format"].qualifier == "according to IABAC, as the 2026 guide reports"
    assert facts[IABAC]["credential_kind"].qualifier == "says the 2026 guide (which promotes IABAC)"
    assert not facts[IABAC]["credential_kind"].settled
    assert facts[HARVARD]["framework"].qualifier == (
        "“typically”, says the 2026 guide (which promotes IABAC)"
    )
    # JHU's price is the guide's plain word on a program it does not promote: no qualifier.
    assert facts[JHU]["total_cost"].qualifier is None and facts[JHU]["total_cost"].settled


def test_a_sentence_whose_subject_is_a_pronoun_names_its_referent(client, catalog):
    """ "Both programs carry strong recognition…" (Harvard's page); "Pairing it with
    Stanford's specialization…" (Stanford, for informatics: "it" is IABAC's certification)."""
    page = _page(client, reverse("programs:detail", args=[HARVARD]))
    recognition = page.find(id="fact-recognition")
    both = next(
        q for q in recognition.select("blockquote") if q.p.get_text().startswith("“Both programs")
    )
    assert both.select_one(".citation__referent").get_text(strip=True) == (
        "In this sentence, “Both programs”: Harvard's AI in Health Care Certificate and Johns "
        "Hopkins' AI in Healthcare Certificate Program."
    )
    stanford = _page(client, reverse("programs:detail", args=["stanford-ai-in-healthcare"]))
    pairing = next(
        item
        for item in stanford.select(".fit-list__item")
        if "Clinical informatics" in item.select_one(".fit-list__role").get_text()
    )
    assert (
        "“it”: IABAC's AI healthcare certification"
        in pairing.select_one(".citation__referent").get_text()
    )
    exported = client.get(
        reverse("compare:export_json"),
        {"programs": ["stanford-ai-in-healthcare", "iabac-ai-in-healthcare"]},
    ).json()
    row = next(r for r in exported["rows"] if r["key"] == "role-clinical-informatics")
    assert (
        "IABAC's AI healthcare certification"
        in (row["values"]["stanford-ai-in-healthcare"]["source"][0]["referent"])
    )


@pytest.mark.parametrize("slug", ALL)
def test_a_title_is_a_name_a_source_gives_or_says_it_is_not_published(catalog, slug):
    """ "Harvard's AI in Health Care Certificate", "Johns Hopkins' AI in Healthcare Certificate
    Program" are names; "IABAC's AI in healthcare certification" is a description."""
    program = Program.objects.get(slug=slug)
    texts = [document.text for document in Document.objects.all()]
    named = any(program.name in text for text in texts)
    assert named or program.name.endswith("(title not published)"), program.name
    if program.name.endswith("(title not published)"):
        # The words the sources describe it with, and never as a capitalised name.
        described = program.name.removesuffix(" (title not published)")
        assert any(described.lower() in text.lower() for text in texts)
        as_a_name = " ".join(
            w if w.isupper() or w in ("in", "for", "of") else w.capitalize()
            for w in described.split()
        )
        assert not any(as_a_name in text for text in texts), as_a_name

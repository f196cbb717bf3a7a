"""Continuing-education credit in detail (issue #24, item 1): type, amount, accreditor and
maintenance of certification, each cited, "Not published" when unknown.

The guide says only that Stanford's specialization "carries CME accreditation"; the sources give
no other program CME credit, and no program's credit type, amount or accreditor."""

import csv
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.models import Citation, Program
from tests.forms import browser_post
from tests.programs.test_admin import change_url, form_errors
from tests.seed import ABAIM, ALL, CEDARS, HARVARD, IABAC, JHU, STANFORD
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

STANFORD_CME = "Yes — amount, type and accreditor not published"
"""The guide: "Stanford's AI in Healthcare Specialization on Coursera carries CME
accreditation" — and nothing of how many credits, of what type, from whom."""

NO_CME_GIVEN = [IABAC, HARVARD, JHU, CEDARS, ABAIM]

CREDIT_SENTENCE = (
    "The specialization is designated for a maximum of 12 AMA PRA Category 1 Credits™ by the "
    "Stanford University School of Medicine."
)
"""A provider's page an editor cites (synthetic: the seeds give no credit detail)."""


def _page(client, url, **params) -> BeautifulSoup:
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _fact(page: BeautifulSoup, key: str) -> str | None:
    """The value a program page shows for a fact, before its qualifier, note and sources."""
    row = page.find(id=f"fact-{key}")
    if row is None:
        return None
    value = row.find("dd", class_="facts__value")
    return " ".join(next(value.stripped_strings, "").split())


def _compare_cells(page: BeautifulSoup, label: str) -> list[str]:
    """The cells of the comparison row labelled `label`, each its shown value alone."""
    for header in page.select("th.compare-table__label"):
        if next(header.strings).strip() == label:
            cells = header.find_parent("tr").find_all("td")
            return [" ".join(next(cell.stripped_strings, "").split()) for cell in cells]
    raise AssertionError(f"No comparison row {label!r}")


def _content(response) -> str:
    """A response's body, streamed (the catalogue exports) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


def _ask(page: BeautifulSoup, slug: str) -> str:
    found = page.find(id=f"ask-text-{slug}")
    return found.get_text() if found else ""


def _add_credit_detail(staff_client, program: Program, **values):
    """An editor enters credit detail with the sentence that gives it, through the rendered
    change form, and says why."""
    changes = cite_in_form(
        program, ("credit_type", "credit_amount", "credit_accreditor"), CREDIT_SENTENCE
    )
    changes |= values
    return browser_post(staff_client, change_url(program), "program_form", changes)


# -- what readers see today -------------------------------------------------------------------


def test_stanfords_cme_row_says_what_is_not_published(client, catalog):
    page = _page(client, reverse("programs:detail", args=[STANFORD]))
    assert _fact(page, "cme_credit") == STANFORD_CME
    # Each part on its own row, "Not published", with no source sentence beside it.
    for key in ("credit_type", "credit_amount", "credit_accreditor", "counts_toward_moc"):
        assert _fact(page, key) == "Not published", key
        assert not page.find(id=f"fact-{key}").find(class_="citation")
    assert _fact(page, "credit_certificate_cost") == "Not published"
    # The CME row still cites the guide's sentence.
    quotes = [q.get_text() for q in page.find(id="fact-cme_credit").select(".citation__quote p")]
    assert any("carries CME accreditation" in q for q in quotes)


def _card_cme(page: BeautifulSoup, slug: str) -> str:
    """The CME line of a program's card on a list page."""
    card = page.select_one(f"a#program-{slug}").find_parent("article")
    term = next(dt for dt in card.select("dt") if dt.get_text(strip=True) == "CME credit")
    return " ".join(term.find_next_sibling("dd").get_text(" ", strip=True).split())


def test_the_cards_word_cme_as_the_program_page_does(client, catalog):
    """A card's CME line is the CME row's words, not a bare 'Yes' beside a page that says the
    amount, type and accreditor are not published."""
    page = _page(client, reverse("programs:list"))
    assert _card_cme(page, STANFORD) == STANFORD_CME
    for slug in NO_CME_GIVEN:
        assert _card_cme(page, slug) == "Not published", slug


@pytest.mark.parametrize("slug", NO_CME_GIVEN)
def test_programs_the_sources_give_no_cme_keep_their_cme_row(client, catalog, slug):
    page = _page(client, reverse("programs:detail", args=[slug]))
    assert _fact(page, "cme_credit") == "Not published"
    for key in ("credit_type", "credit_amount", "credit_accreditor", "counts_toward_moc"):
        assert page.find(id=f"fact-{key}") is None, f"{slug} has no CME to detail"


def test_the_compare_table_gives_stanfords_cme_row_and_its_parts(client, catalog):
    page = _page(client, reverse("compare:index"), programs=[STANFORD, JHU, HARVARD])
    assert _compare_cells(page, "CME credit") == [STANFORD_CME, "Not published", "Not published"]
    assert _compare_cells(page, "CME credit type") == [
        "Not published",
        "CME credit not published",
        "CME credit not published",
    ]


def test_the_compare_table_has_no_credit_rows_without_a_cme_program(client, catalog):
    page = _page(client, reverse("compare:index"), programs=[JHU, HARVARD])
    assert _compare_cells(page, "CME credit") == ["Not published", "Not published"]
    labels = [next(th.strings).strip() for th in page.select("th.compare-table__label")]
    assert "CME credit type" not in labels and "CME credits" not in labels


def test_the_exports_give_stanfords_cme_wording(client, catalog):
    rows = list(csv.DictReader(io.StringIO(_content(client.get(reverse("programs:export_csv"))))))
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug[STANFORD]["cme_credit: as shown"] == STANFORD_CME
    assert by_slug[JHU]["cme_credit: as shown"] == ""
    compare = client.get(reverse("compare:export_csv"), {"programs": [STANFORD, JHU]})
    lines = list(csv.reader(io.StringIO(_content(compare))))
    [cme] = [line for line in lines if len(line) > 1 and line[1] == "CME credit"]
    assert cme[2] == STANFORD_CME


def test_the_ask_list_names_each_missing_part_of_stanfords_credit(client, catalog):
    text = _ask(_page(client, reverse("programs:detail", args=[STANFORD])), STANFORD)
    assert "- How many credits does it carry?" in text
    assert "- What type of credit is it (AMA PRA Category 1 Credit™, ANCC contact hours)?" in text
    assert "- Which body accredits the credit?" in text
    assert "- Does it count toward a board's maintenance of certification? Which boards?" in text
    assert "- Does the CME certificate cost extra? How much?" in text
    # Stanford's CME itself is published: not asked about.
    assert "Does it carry CME credit" not in text


@pytest.mark.parametrize("slug", NO_CME_GIVEN)
def test_programs_without_cme_are_asked_whether_they_carry_it_not_its_parts(client, catalog, slug):
    text = _ask(_page(client, reverse("programs:detail", args=[slug])), slug)
    assert "- Does it carry CME credit, and how many credits?" in text
    assert "Which body accredits the credit?" not in text
    assert "maintenance of certification" not in text


def test_the_list_page_has_no_credit_type_filter_while_none_is_published(client, catalog):
    page = _page(client, reverse("programs:list"))
    assert not page.select('input[name="credit"]')


# -- an editor enters credit detail -----------------------------------------------------------


def test_an_editor_adds_credit_detail_with_its_sentence_and_readers_see_it(
    staff_client, client, catalog
):
    stanford = Program.objects.get(slug=STANFORD)
    response = _add_credit_detail(
        staff_client,
        stanford,
        credit_type="ama_pra_1",
        credit_amount="12",
        credit_accreditor="Stanford University School of Medicine",
    )
    assert response.status_code == 302, form_errors(response)
    stanford.refresh_from_db()
    assert (stanford.credit_type, stanford.credit_amount) == ("ama_pra_1", Decimal("12"))

    page = _page(client, stanford.get_absolute_url())
    assert _fact(page, "cme_credit") == (
        "Yes — 12 credits, AMA PRA Category 1 Credit™, accredited by Stanford University "
        "School of Medicine"
    )
    assert _fact(page, "credit_amount") == "12 credits"
    assert _fact(page, "credit_type") == "AMA PRA Category 1 Credit™"
    quotes = [q.get_text() for q in page.find(id="fact-credit_amount").select(".citation__quote p")]
    assert quotes == [f"“{CREDIT_SENTENCE}”"]
    # Still unknown: maintenance of certification.
    assert _fact(page, "counts_toward_moc") == "Not published"
    text = _ask(page, STANFORD)
    assert "How many credits" not in text and "Which body accredits" not in text
    assert "- Does it count toward a board's maintenance of certification? Which boards?" in text

    # The list page now offers the credit type, counted.
    listing = _page(client, reverse("programs:list"))
    [ama] = listing.select('input[name="credit"][value="ama_pra_1"]')
    assert "(1)" in ama.find_parent("label").get_text()
    found = _page(client, reverse("programs:list"), credit="ama_pra_1")
    assert [a.get_text(strip=True) for a in found.select(".program-card__title a")] == [
        stanford.name
    ]


def test_a_credit_amount_the_sentence_does_not_give_is_refused_beside_the_field(
    staff_client, catalog
):
    stanford = Program.objects.get(slug=STANFORD)
    response = _add_credit_detail(
        staff_client,
        stanford,
        credit_type="ama_pra_1",
        credit_amount="15",
        credit_accreditor="Stanford University School of Medicine",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "credit_amount" in errors
    assert "The cited sentence gives 12 AMA PRA Category 1 Credits" in errors["credit_amount"][0]
    assert Program.objects.get(pk=stanford.pk).credit_amount is None


def test_an_accreditor_the_sentence_does_not_name_is_refused(staff_client, catalog):
    stanford = Program.objects.get(slug=STANFORD)
    response = _add_credit_detail(
        staff_client,
        stanford,
        credit_type="ama_pra_1",
        credit_amount="12",
        credit_accreditor="ACCME",
    )
    assert response.status_code == 200
    assert "credit_accreditor" in response.context["adminform"].form.errors


def test_credit_detail_needs_cme_credit(catalog):
    jhu = Program.objects.get(slug=JHU)
    jhu.credit_type = Program.CreditType.ANCC
    with pytest.raises(ValidationError) as refused:
        jhu.full_clean()
    assert "credit_type" in refused.value.message_dict


def test_the_cme_fieldset_shows_the_credit_fields_to_editors(staff_client, catalog):
    page = _page(staff_client, change_url(Program.objects.get(slug=STANFORD)))
    fieldset = next(
        h2.find_parent("fieldset") for h2 in page.select("fieldset h2") if h2.get_text() == "CME"
    )
    names = {tag["name"] for tag in fieldset.select("input[name], select[name]")}
    assert {"cme_credit", "credit_type", "credit_amount", "credit_accreditor"} <= names
    assert {"counts_toward_moc", "moc_boards"} <= names
    assert "Carries CME accreditation" not in fieldset.get_text()  # the sources are quoted
    assert "carries CME accreditation" in fieldset.get_text()


def test_every_seeded_program_saves_unchanged_with_the_new_fields(staff_client, catalog):
    for slug in ALL:
        program = Program.objects.get(slug=slug)
        response = browser_post(staff_client, change_url(program), "program_form")
        assert response.status_code == 302, (slug, form_errors(response))


def test_the_json_export_holds_credit_detail(client, catalog):
    data = json.loads(_content(client.get(reverse("programs:export_json"))))
    programs = data["programs"] if isinstance(data, dict) else data
    [stanford] = [p for p in programs if p["slug"] == STANFORD]
    assert stanford["facts"]["cme_credit"]["value"] == STANFORD_CME
    assert stanford["facts"]["credit_amount"] == {
        "label": "CME credits",
        "value": None,
        "who_says": None,
        "sources": [],
    }


def test_citation_fields_for_credit_sit_under_cme():
    groups = dict(Citation.FIELD_GROUPS)
    assert groups["CME"] == (
        "cme_credit",
        "credit_type",
        "credit_amount",
        "credit_accreditor",
        "counts_toward_moc",
    )
    assert set(Citation.Field.values) >= set(groups["CME"])


def test_an_editor_records_maintenance_of_certification_with_its_boards(
    staff_client, client, catalog
):
    stanford = Program.objects.get(slug=STANFORD)
    sentence = "Completing the specialization earns ABIM Maintenance of Certification points."
    changes = cite_in_form(stanford, "counts_toward_moc", sentence)
    changes |= {"counts_toward_moc": "true", "moc_boards": "ABIM"}
    response = browser_post(staff_client, change_url(stanford), "program_form", changes)
    assert response.status_code == 302, form_errors(response)
    page = _page(client, stanford.get_absolute_url())
    assert _fact(page, "counts_toward_moc") == "Yes (ABIM)"
    assert "maintenance of certification" not in _ask(page, STANFORD)


def test_boards_the_sentence_does_not_name_are_refused(staff_client, catalog):
    stanford = Program.objects.get(slug=STANFORD)
    sentence = "Completing the specialization earns ABIM Maintenance of Certification points."
    changes = cite_in_form(stanford, "counts_toward_moc", sentence)
    changes |= {"counts_toward_moc": "true", "moc_boards": "ABP"}
    response = browser_post(staff_client, change_url(stanford), "program_form", changes)
    assert response.status_code == 200
    assert "moc_boards" in response.context["adminform"].form.errors


@pytest.mark.parametrize("junk", ["junk", "\x00", "<b>x</b>", "9" * 400, "ama_pra_1\x1f"])
def test_a_junk_credit_type_gets_a_message_not_an_error(client, catalog, junk):
    response = client.get(reverse("programs:list"), {"credit": junk})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    warning = page.select_one(".filters .message--warning")
    assert warning is not None and "CME credit type" in warning.get_text()
    assert len(page.select("article.program-card")) == 6  # the junk filters nothing out

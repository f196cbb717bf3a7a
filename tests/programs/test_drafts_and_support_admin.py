"""Issue #20 in admin, as an editor works: every seeded fact is refused beside its field when
changed to a value its cited sentence does not give; a new program stays a draft, seen by
editors only, until every fact is cited."""

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse

from programs.models import Citation, Document, Program, Provider
from tests.forms import browser_post, form_fields
from tests.seed import ALL, HARVARD, JHU
from tests.sourcing import cite_in_form, new_page

pytestmark = pytest.mark.django_db

NUMBERS = (
    "price_amount",
    "course_count",
    "duration_weeks",
    "weekly_hours_max",
    "exam_questions",
    "exam_minutes",
    "exam_pass_mark",
    "validity_months",
)
CHOICES = (
    "credential_kind",
    "format",
    "assessment_type",
    "is_proctored",
    "cme_credit",
    "framework",
)


def _change_url(program: Program) -> str:
    return reverse("admin:programs_program_change", args=[program.pk])


def _unsupported(program: Program, field: str) -> dict | None:
    """The fact changed to a value no cited sentence gives (or set where none is published)."""
    value = getattr(program, field)
    if field in NUMBERS:
        if field == "price_amount" and value is None:
            return {"price_amount": "777", "price_currency": "USD", "price_basis": "program"}
        changed = {field: str(int(value or 0) + 7)}
        if field == "price_amount" and program.price_basis == Program.PriceBasis.PER_COURSE:
            # Each module costs the per-course price (Module.clean): change them together.
            changed |= {f"modules-{i}-price_amount": changed[field] for i in range(3)}
        return changed
    model_field = Program._meta.get_field(field)
    if model_field.choices:
        # The last other choice: what the cited sentences do not say, read from the seed texts.
        other = [v for v, _ in model_field.choices if v != value][-1]
        return {field: other}
    return {field: "false" if value else "true"}  # yes/no facts: the opposite, or a guess


def _cases():
    """Every seeded program and fact, read from the seed file, except the two kinds no editor
    can set alone: a course count listed modules decide, and a pass mark with no question count."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "catalog.json").read_text())
    programs = {row["pk"]: row["fields"] for row in rows if row["model"] == "programs.program"}
    with_modules = {row["fields"]["program"] for row in rows if row["model"] == "programs.module"}
    for pk, fields in programs.items():
        for field in (*NUMBERS, *CHOICES):
            if field == "course_count" and pk in with_modules:
                continue
            if field == "exam_pass_mark" and fields["exam_questions"] is None:
                continue
            yield fields["slug"], field


CASES = list(_cases())


@pytest.mark.parametrize(("slug", "field"), CASES)
def test_each_seeded_fact_changed_without_a_source_is_refused_beside_it(
    staff_client, catalog, slug, field
):
    program = Program.objects.get(slug=slug)
    changes = _unsupported(program, field)
    before = Program.objects.filter(pk=program.pk).values().get()
    response = browser_post(staff_client, _change_url(program), "program_form", changes)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    shown_beside = errors.get(field) or errors.get("weekly_hours_min") or []
    assert any("Cite" in e or "cite" in e for e in shown_beside), errors
    summary = BeautifulSoup(response.content, "html.parser").find(class_="error-summary")
    assert (
        summary is not None
        and summary.find("a", href=f"#id_{field}")
        or summary.find("a", href="#id_weekly_hours_min")
    )
    assert Program.objects.filter(pk=program.pk).values().get() == before


def test_every_seeded_program_is_tried_and_only_two_kinds_of_fact_are_left_out():
    assert {slug for slug, _ in CASES} == set(ALL)
    assert len(CASES) == len(ALL) * (len(NUMBERS) + len(CHOICES)) - 1 - 5


def test_the_same_change_with_a_new_cited_page_shows_everywhere(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    sentence = "The AI in Healthcare Certificate Program is offered at $3,290."
    changes = {"price_amount": "3290", **cite_in_form(program, "price", sentence)}
    assert (
        browser_post(staff_client, _change_url(program), "program_form", changes).status_code == 302
    )
    reader = Client()
    detail = reader.get(program.get_absolute_url()).content.decode()
    cost = detail[detail.index('id="fact-total_cost"') :]
    cost = cost[: cost.index("</dd>")]
    assert "$3,290" in cost and sentence in cost and "earlier: $2,990" in cost
    compare = reader.get(
        reverse("compare:index") + f"?programs={JHU}&programs={HARVARD}"
    ).content.decode()
    assert "$3,290" in compare and sentence in compare
    exported = reader.get(
        reverse("compare:export_json") + f"?programs={JHU}&programs={HARVARD}"
    ).json()
    assert sentence in str(exported) and "$3,290" in str(exported)
    catalogue = b"".join(reader.get(reverse("programs:export_json")).streaming_content).decode()
    assert "3290" in catalogue
    ctdl = reader.get(reverse("programs:program_ctdl", args=[JHU])).content.decode()
    assert "3290" in ctdl and "2990" not in ctdl


def _add_program(staff_client, **changes):
    provider = Provider.objects.get(short_name="Johns Hopkins")
    url = reverse("admin:programs_program_add")
    fields = {
        "provider": str(provider.pk),
        "name": "AI Leadership Intensive",
        "slug": "jhu-ai-leadership-intensive",
        "credential_kind": "certificate",
        "summary": "A short course on leading AI projects.",
        **changes,
    }
    return browser_post(staff_client, url, "program_form", fields)


def test_a_new_program_page_says_how_to_cite_and_defaults_sensibly(staff_client, catalog):
    page = staff_client.get(reverse("admin:programs_program_add")).content.decode()
    assert "Add citations after the first save" not in page
    fields = dict(form_fields(page, "program_form"))
    assert fields["last_verified"] == date.today().isoformat()
    assert fields["status"] == "draft"


def test_a_new_uncited_program_stays_a_draft_invisible_to_readers(staff_client, catalog):
    client = Client()  # a reader, apart from the editor's session
    response = _add_program(staff_client)
    assert response.status_code == 302
    program = Program.objects.get(slug="jhu-ai-leadership-intensive")
    assert program.status == Program.Status.DRAFT
    warning = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "is a draft" in warning and "Summary" in warning

    assert client.get(program.get_absolute_url()).status_code == 404
    assert client.get(reverse("programs:program_ctdl", args=[program.slug])).status_code == 404
    for url in (
        reverse("programs:home"),
        reverse("programs:list"),
        reverse("programs:list") + "?q=Leadership",
        reverse("programs:roles"),
        reverse("programs:sources"),
        reverse("programs:changes"),
        reverse("programs:changes_feed"),
        reverse("programs:export_csv"),
        reverse("programs:export_json"),
        reverse("programs:ctdl"),
        reverse("compare:index") + f"?programs={program.slug}",
        reverse("compare:finder") + "?role=clinicians",
        "/sitemap-programs.xml",
    ):
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "AI Leadership Intensive" not in body, url
        assert program.slug not in body.replace(f"“{program.slug}”", ""), url  # echoed back only
    assert "6 programs" in client.get(reverse("programs:home")).content.decode()
    preview = staff_client.get(program.get_absolute_url())
    assert preview.status_code == 200 and "AI Leadership Intensive" in preview.content.decode()


def test_publishing_is_refused_until_every_fact_is_cited(staff_client, catalog):
    client = Client()
    _add_program(staff_client)
    program = Program.objects.get(slug="jhu-ai-leadership-intensive")
    response = browser_post(
        staff_client, _change_url(program), "program_form", {"status": "published"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "summary" in errors and "provider" in errors and "credential_kind" in errors
    assert Program.objects.get(pk=program.pk).status == Program.Status.DRAFT

    sentence = (
        "Johns Hopkins' AI Leadership Intensive is a certificate: a short course on leading AI "
        "projects."
    )
    changes = {
        "status": "published",
        **cite_in_form(program, ("provider", "summary", "credential_kind"), sentence),
    }
    response = browser_post(staff_client, _change_url(program), "program_form", changes)
    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).status == Program.Status.PUBLISHED
    assert client.get(program.get_absolute_url()).status_code == 200


def test_a_sentence_removed_from_its_document_in_admin_is_refused(staff_client, catalog):
    guide = Document.objects.get(pk=1)
    sentence = "The assessment is 110 questions over two hours"
    url = reverse("admin:programs_document_change", args=[guide.pk])
    response = browser_post(
        staff_client, url, "document_form", {"text": guide.text.replace(sentence, "It is an exam")}
    )
    assert response.status_code == 200
    [message, *listed] = response.context["adminform"].form.errors["text"]
    assert "no longer holds" in message
    assert any("Exam" in line and sentence in line for line in listed)
    assert sentence in Document.objects.get(pk=1).text


def test_a_revert_across_a_removed_sentence_says_so_and_writes_nothing(staff_client, catalog):
    from programs import history

    program = Program.objects.get(slug=JHU)
    seed = Program.history.get(id=program.pk, revision=history.SEED_REVISION)
    guide = Document.objects.get(pk=1)
    sentence = (
        "Those building a case for internal credentialing at an academic medical center should "
        "evaluate Harvard or Johns Hopkins."
    )
    assert sentence in guide.text
    # An editor drops the citation, then the sentence (now cited by nothing) from the guide.
    Citation.objects.filter(program=program, quote=sentence).delete()
    guide.text = guide.text.replace(sentence, "")
    guide.save()
    url = reverse("admin:programs_program_revert", args=[program.pk, seed.history_id])
    response = staff_client.post(url, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Nothing was changed" in text and "not in" in text
    assert not program.citations.filter(quote=sentence).exists()


@pytest.mark.parametrize("slug", ALL)
def test_each_citation_row_offers_its_documents_sentences_to_pick(staff_client, catalog, slug):
    """Every row's picker names a list on the page, and that list holds the row's document's
    sentences (so the seeded quotes that are whole sentences are among them)."""
    program = Program.objects.get(slug=slug)
    page = BeautifulSoup(staff_client.get(_change_url(program)).content, "html.parser")
    citations = program.citations.select_related("document").in_bulk()
    for row in range(len(citations)):
        citation = citations[
            int(page.find("input", attrs={"name": f"citations-{row}-id"})["value"])
        ]
        picker = page.find("input", attrs={"name": f"citations-{row}-pick"})
        listed = page.find("datalist", id=picker["list"])
        assert picker["list"] == f"sentences-{citation.document_id}"
        options = [option["value"] for option in listed.find_all("option")]
        assert options == citation.document.sentences()
        if citation.quote in citation.document.sentences():
            assert citation.quote in options
    # A new row (the inline's empty form) lists the recent documents' sentences, named.
    blank = page.find("input", attrs={"name": "citations-__prefix__-pick"})
    recent = page.find("datalist", id=blank["list"])
    assert {o.get_text() for o in recent.find_all("option")} >= {"the 2026 guide"}


def test_a_picked_sentence_is_cited_word_for_word(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    document = new_page("The programme fee is $3,290. It includes every course.")
    picked = "The programme fee is $3,290."
    changes = cite_in_form(program, "price", "placeholder")
    row = int(changes["citations-TOTAL_FORMS"]) - 1
    changes |= {
        "price_amount": "3290",
        f"citations-{row}-document": str(document.pk),
        f"citations-{row}-quote": "",
        f"citations-{row}-pick": picked,
    }
    response = browser_post(staff_client, _change_url(program), "program_form", changes)
    assert response.status_code == 302
    assert program.citations.get(document=document).quote == picked
    assert Program.objects.get(pk=program.pk).price_amount == 3290


def test_a_citation_with_neither_quote_nor_pick_is_refused_beside_it(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    changes = cite_in_form(program, "price", "placeholder", supersede=False)
    row = int(changes["citations-TOTAL_FORMS"]) - 1
    changes[f"citations-{row}-quote"] = ""
    response = browser_post(staff_client, _change_url(program), "program_form", changes)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    error = page.find("textarea", attrs={"name": f"citations-{row}-quote"}).find_parent("div")
    assert "Type the sentence, or pick it from the list" in error.get_text(" ")

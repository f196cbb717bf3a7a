"""Quotes are checked against the full text of their source, on every write path."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from programs.models import Citation, Document, Program, RoleFit, normalise_whitespace
from tests.factories import DocumentFactory, ProgramFactory
from tests.forms import browser_post
from tests.seed import JHU

pytestmark = pytest.mark.django_db

INVENTED = "The program guarantees a job offer to every graduate."


def _inline_error(html: str, prefix: str, index: int, field: str) -> str:
    """The error list rendered beside one inline form's field."""
    marker = f'id="{prefix}-{index}"'
    block = html[html.index(marker) :]
    block = block[: block.index(f'name="{prefix}-{index}-{field}"')]
    errors = block[block.rindex('<ul class="errorlist') :]
    return errors[: errors.index("</ul>")]


def test_the_bundled_sources_are_the_documents_full_texts(catalog):
    for document in Document.objects.all():
        assert document.text, document
    guide = Document.objects.get(is_vendor=True)
    assert "ABAIM: the specialist board for AI in medicine" in guide.text


def test_every_seeded_quote_is_in_its_document(catalog):
    for citation in Citation.objects.select_related("document"):
        assert citation.document.contains_quote(citation.quote), citation
    for fit in RoleFit.objects.select_related("source"):
        assert fit.source.contains_quote(fit.rationale), fit


def test_an_invented_citation_is_refused_beside_its_field_in_admin(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    count = program.citations.count()
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = browser_post(
        staff_client,
        url,
        "program_form",
        {
            "citations-TOTAL_FORMS": str(count + 1),
            f"citations-{count}-field": "summary",
            f"citations-{count}-document": "1",
            f"citations-{count}-quote": INVENTED,
            f"citations-{count}-program": str(program.pk),
        },
    )
    assert response.status_code == 200
    errors = _inline_error(response.content.decode(), "citations", count, "quote")
    assert "This sentence is not in" in errors
    assert program.citations.count() == count
    assert INVENTED not in staff_client.get(program.get_absolute_url()).content.decode()


def test_a_quote_with_other_line_breaks_and_spacing_is_accepted(catalog):
    program = Program.objects.get(slug=JHU)
    citation = Citation(
        program=program,
        field="prerequisites",
        document=Document.objects.get(is_vendor=True),
        quote=(
            "Johns Hopkins' AI in Healthcare Certificate Program runs 10 weeks\n  online  at $2,990"
        ),
    )
    citation.full_clean()


def test_a_document_without_text_cannot_be_cited(catalog):
    document = DocumentFactory(text=None)
    citation = Citation(
        program=Program.objects.get(slug=JHU),
        field="summary",
        document=document,
        quote="Anything at all.",
    )
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert "has no text yet" in str(error.value.message_dict["document"])


def test_an_invented_quote_cannot_be_saved_by_any_other_path(catalog):
    with pytest.raises(ValidationError):
        Citation.objects.create(
            program=Program.objects.get(slug=JHU),
            field="summary",
            document=Document.objects.get(is_vendor=True),
            quote=INVENTED,
        )


def test_an_invented_role_fit_rationale_is_refused(catalog):
    fit = RoleFit.objects.select_related("source").first()
    fit.rationale = INVENTED
    with pytest.raises(ValidationError) as error:
        fit.full_clean()
    assert "rationale" in error.value.message_dict


def test_loaddata_refuses_a_fixture_with_an_invented_quote(tmp_path, db):
    document = DocumentFactory(text="The one true sentence.")
    program = ProgramFactory()
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "programs.citation",
                    "pk": 999,
                    "fields": {
                        "program": program.pk,
                        "field": "summary",
                        "document": document.pk,
                        "quote": INVENTED,
                    },
                }
            ]
        )
    )
    with pytest.raises(ValidationError):
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Citation.objects.filter(pk=999).exists()


def test_whitespace_normalising_collapses_every_kind_of_space():
    assert normalise_whitespace("  a\n\tb   c \r\n") == "a b c"

"""Model rules on paths the page tests do not take: validation of incomplete rows (reported per
field, never a crash), a role fit's module, a document's link, and loading-path independence."""

import pytest
from django.core.exceptions import ValidationError

from programs.models import Citation, Document, Module, Program, RoleFit
from tests.factories import (
    DocumentFactory,
    ModuleFactory,
    ProgramFactory,
    RoleFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unchecked_support")]


def _errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_a_module_without_a_program_is_reported_as_missing_its_program():
    """Module.clean compares prices with its program's: with none chosen yet it must not fail."""
    errors = _errors(Module(position=1, title="Foundations", price_amount=100))
    assert errors == {"program": ["This field cannot be null."]}


def test_a_citation_without_a_document_or_quote_is_reported_per_field():
    """The quote check needs both; without them the field errors say what is missing."""
    errors = _errors(Citation(program=ProgramFactory(), field=Citation.Field.SUMMARY, quote=""))
    assert set(errors) == {"document", "quote"}
    assert errors["quote"] == ["This field cannot be blank."]


def test_a_role_fit_cannot_recommend_another_programs_module():
    sentence = "The module suits administrators."
    program, other = ProgramFactory(), ProgramFactory()
    fit = RoleFit(
        program=program,
        role=RoleFactory(),
        strength=RoleFit.Strength.ADDITION,
        grade="suits administrators",
        rationale=sentence,
        source=DocumentFactory(text=sentence),
        module=ModuleFactory(program=other, position=1),
    )
    assert _errors(fit) == {"module": ["Choose a module of this program."]}
    fit.module = ModuleFactory(program=program, position=1)
    fit.full_clean()  # its own program's module is accepted


@pytest.mark.parametrize(
    ("url", "doi", "link"),
    [
        ("https://example.org/guide", None, "https://example.org/guide"),
        ("https://example.org/guide", "10.5281/zenodo.1", "https://example.org/guide"),
        (None, "10.5281/zenodo.1", "https://doi.org/10.5281/zenodo.1"),
        (None, None, None),
    ],
)
def test_a_documents_link_is_its_address_else_its_doi_resolver(url, doi, link):
    assert Document(title="A source", url=url, doi=doi).link == link


def test_topics_read_the_same_however_the_program_was_loaded():
    program = ProgramFactory()
    program.topics.set([TopicFactory(name="Regulation"), TopicFactory(name="Ethics")])
    plain = Program.objects.get(pk=program.pk)
    detailed = Program.objects.for_detail().get(pk=program.pk)
    assert plain.topic_list == detailed.topic_list == ["Ethics", "Regulation"]
    assert Program.objects.for_detail().get(pk=ProgramFactory().pk).topic_list == []


def test_syncing_a_program_loaded_with_its_modules_counts_the_modules_there_are_now():
    """A caller may hold the program with modules prefetched; the sync must not count those."""
    program = ProgramFactory()
    ModuleFactory(program=program, position=1, weeks=4)
    loaded = Program.objects.prefetch_related("modules").get(pk=program.pk)
    assert [m.weeks for m in loaded.modules.all()] == [4]
    Module.objects.bulk_create([Module(program=program, position=2, title="Two", weeks=6)])
    loaded.sync_with_modules()  # bulk_create sends no signal: the caller syncs
    assert (loaded.course_count, loaded.total_weeks) == (2, 10)
    assert Program.objects.get(pk=program.pk).total_weeks_value == 10

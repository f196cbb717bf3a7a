"""Each fact is supported by the sentence it cites (issue #20), read from the seed texts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from programs import support
from programs.models import Citation, Document, Module, Program

pytestmark = pytest.mark.django_db


def _problems(program: Program) -> list[support.Problem]:
    return support.stored_problems(program)


def test_every_seeded_program_is_supported_by_its_citations(catalog):
    programs = list(Program.objects.all())
    assert len(programs) == 6
    for program in programs:
        assert program.is_published, program.slug
        assert _problems(program) == [], program.slug


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Harvard, the 2026 guide
        (
            "Each module runs approximately five weeks at four to five hours per week, priced at "
            "roughly $1,600 per course.",
            [
                ("5", "5", "week", True),
                ("4", "5", "hour/week", False),
                ("1600", "1600", "money:USD", True),
            ],
        ),
        # ABAIM, the 2026 guide
        (
            "The assessment is 110 questions over two hours, with a passing threshold of 70 "
            "correct answers, and the certification is valid for two years.",
            [
                ("110", "110", "question", False),
                ("2", "2", "hour", False),
                ("70", "70", "mark", False),
                ("2", "2", "year", False),
            ],
        ),
        ("a three-module program", [("3", "3", "course", False)]),
        (
            "runs 10 weeks online at $2,990, requires",
            [("10", "10", "week", False), ("2990", "2990", "money:USD", False)],
        ),
    ],
)
def test_quantities_read_numbers_as_a_reader_would(sentence, expected):
    found = [(str(q.low), str(q.high), q.unit, q.approximate) for q in support.quantities(sentence)]
    assert found == expected


# Each seeded number, changed to a value its sentence does not give: the problem is beside the
# field, and quotes what the cited sentence gives (taken from the seed texts, not the code).
NUMBER_CHANGES = [
    ("johns-hopkins-ai-in-healthcare", "price_amount", Decimal("3290"), "$2,990"),
    ("johns-hopkins-ai-in-healthcare", "duration_weeks", Decimal("11"), "10 weeks"),
    ("harvard-ai-in-health-care", "price_amount", Decimal("1700"), "roughly $1,600"),
    ("harvard-ai-in-health-care", "weekly_hours_max", Decimal("6"), "four to five hours per week"),
    ("harvard-ai-in-health-care", "weekly_hours_min", Decimal("3"), "four to five hours per week"),
    ("cedars-sinai-applied-ai-health-systems", "duration_weeks", Decimal("14"), "12 weeks"),
    ("abaim-ai-in-medicine-certification", "exam_questions", 100, "110 questions"),
    ("abaim-ai-in-medicine-certification", "exam_minutes", 90, "two hours"),
    ("abaim-ai-in-medicine-certification", "exam_pass_mark", 75, "70 correct"),
    ("abaim-ai-in-medicine-certification", "validity_months", 36, "two years"),
]


@pytest.mark.parametrize(("slug", "field", "value", "gives"), NUMBER_CHANGES)
def test_a_number_its_sentence_does_not_give_is_a_problem_beside_it(
    catalog, slug, field, value, gives
):
    program = Program.objects.get(slug=slug)
    setattr(program, field, value)
    found = _problems(program)
    expected_field = "weekly_hours_min" if field.startswith("weekly_hours") else field
    assert [p.field for p in found] == [expected_field]
    assert f"gives {gives}" in found[0].message


def test_the_orm_refuses_a_price_its_citation_contradicts_and_writes_nothing(catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    program.price_amount = Decimal("3290")
    with pytest.raises(ValidationError, match=r"The cited sentence gives \$2,990"):
        program.save()
    assert Program.objects.get(pk=program.pk).price_amount == Decimal("2990")


def test_a_new_document_cited_for_the_new_price_makes_it_supported(catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    document = Document.objects.create(
        title="Johns Hopkins course page, 2 December 2026",
        text="The AI in Healthcare Certificate Program costs $3,290.",
    )
    with support.deferred():
        Citation.objects.filter(program=program, field="price").update(superseded=True)
        Citation.objects.create(
            program=program,
            field="price",
            document=document,
            quote="The AI in Healthcare Certificate Program costs $3,290.",
        )
        program.price_amount = Decimal("3290")
        program.save()
    assert Program.objects.get(pk=program.pk).price_amount == Decimal("3290")


def test_an_old_citation_still_giving_the_old_price_must_be_superseded(catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    document = Document.objects.create(title="Page", text="It costs $3,290.")
    with (
        pytest.raises(ValidationError, match=r"Another cited sentence still gives \$2,990"),
        support.deferred(),
    ):
        Citation.objects.create(
            program=program, field="price", document=document, quote="It costs $3,290."
        )
        program.price_amount = Decimal("3290")
        program.save()
    assert not program.citations.filter(document=document).exists()


def test_a_fourth_harvard_module_contradicts_a_three_module_program(catalog):
    harvard = Program.objects.get(slug="harvard-ai-in-health-care")
    with pytest.raises(ValidationError, match="three-module"):
        Module.objects.create(
            program=harvard, position=4, title="Another", weeks=5, weeks_is_approximate=True
        )
    assert harvard.modules.count() == 3
    assert Program.objects.get(pk=harvard.pk).course_count == 3


def test_deleting_the_only_price_citation_is_refused(catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    # A queryset delete runs in Django's own transaction without a savepoint: here, one of ours.
    with pytest.raises(ValidationError, match="No citation gives the price"), transaction.atomic():
        Citation.objects.filter(program=program, field="price").delete()
    assert program.citations.filter(field="price").exists()


def test_a_choice_needs_a_sentence_with_its_words_or_an_editors_mark(catalog):
    stanford = Program.objects.get(slug="stanford-ai-in-healthcare")
    stanford.assessment_type = Program.AssessmentType.PROCTORED_EXAM
    [problem] = _problems(stanford)
    assert problem.field == "assessment_type"
    assert "“Proctored exam (assessment-based)”" in problem.message
    citation = stanford.citations.get(field="assessment_type")
    citation.affirms = Program.AssessmentType.PROCTORED_EXAM
    assert support.problems(stanford, citations=[citation], modules=[], topics=[]) == [] or all(
        p.field != "assessment_type"
        for p in support.problems(stanford, citations=[citation], modules=[], topics=[])
    )


def test_removing_a_cited_sentence_from_a_document_is_refused(catalog):
    guide = Document.objects.get(pk=1)
    sentence = "Johns Hopkins' AI in Healthcare Certificate Program runs 10 weeks online at $2,990"
    assert sentence in guide.text
    guide.text = guide.text.replace(sentence, "Johns Hopkins runs a program")
    with pytest.raises(ValidationError, match="no longer holds") as refused:
        guide.save()
    assert "AI in Healthcare Certificate Program · Price" in str(refused.value)
    assert sentence in Document.objects.get(pk=1).text


def test_a_draft_may_hold_unsupported_facts_but_cannot_be_published(catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    program.status = Program.Status.DRAFT
    program.save()
    program.price_amount = Decimal("3290")
    program.save()
    program.status = Program.Status.PUBLISHED
    with pytest.raises(ValidationError, match="Price"):
        program.save()
    assert Program.objects.get(pk=program.pk).status == Program.Status.DRAFT


def test_an_editors_word_for_a_choice_lets_a_sentence_support_it(catalog, staff_client):
    """Cedars-Sinai's format is not published. A provider's page saying "learners move through
    the modules at their own speed" names no word the vocabulary knows for self-paced; once an
    editor adds "at their own speed" as a word for it (admin, SupportWord), the sentence supports
    "self-paced" (issue #20)."""
    from programs.models import SupportWord
    from tests.sourcing import new_page

    cedars = Program.objects.get(slug="cedars-sinai-applied-ai-health-systems")
    sentence = "Learners move through the modules at their own speed."
    document = new_page(sentence)

    def set_format():
        with support.deferred():
            Citation.objects.create(
                program=cedars, field="format", document=document, quote=sentence
            )
            cedars.format = Program.Format.SELF_PACED
            cedars.save()

    with pytest.raises(ValidationError, match="No cited sentence says"):
        set_format()
    response = staff_client.post(
        "/admin/programs/supportword/add/",
        {"field": "format", "value": "self_paced", "word": "at their own speed"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SupportWord.objects.filter(word="at their own speed").exists()
    cedars.refresh_from_db()
    set_format()
    assert Program.objects.get(pk=cedars.pk).format == Program.Format.SELF_PACED


def test_an_editors_word_names_a_known_choice(catalog, staff_client):
    response = staff_client.post(
        "/admin/programs/supportword/add/",
        {"field": "format", "value": "certificate", "word": "whatever"},
    )
    assert response.status_code == 200
    assert "Choose one of: self_paced, cohort, exam_only" in response.content.decode()

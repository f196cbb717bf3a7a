from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import Program
from tests.factories import ModuleFactory, ProgramFactory, ProviderFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unchecked_support")]


def _violates(**fields):
    """True when saving a program with these fields is refused by the database itself."""
    program = ProgramFactory.build(provider=ProviderFactory(), **fields)
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "fields",
    [
        {"price_amount": Decimal("-1"), "price_currency": "USD", "price_basis": "program"},
        {"price_amount": Decimal("100"), "price_currency": None, "price_basis": "program"},
        {"price_amount": None, "price_currency": "USD", "price_basis": None},
        {"price_amount": Decimal("100"), "price_currency": "usd", "price_basis": "program"},
        {"duration_weeks": Decimal("0")},
        {"weekly_hours_min": Decimal("0"), "weekly_hours_max": Decimal("2")},
        {"weekly_hours_min": Decimal("6"), "weekly_hours_max": Decimal("5")},
        {"exam_questions": 10, "exam_pass_mark": 11},
        {"exam_questions": 0},
        {"validity_months": 0},
        {"course_count": 0},
        {"summary": ""},
        {"prerequisites": ""},
    ],
)
def test_database_rejects_bad_rows(fields):
    assert _violates(**fields)


def test_database_accepts_unknowns_as_null():
    assert not _violates(summary=None, price_amount=None, duration_weeks=None)


def test_slugs_are_unique():
    ProgramFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(slug="same")


def test_module_positions_are_unique_per_program():
    module = ModuleFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModuleFactory(program=module.program, position=1)


def test_full_clean_reports_constraint_messages_per_form():
    program = ProgramFactory.build(
        provider=ProviderFactory(), weekly_hours_min=Decimal("6"), weekly_hours_max=Decimal("5")
    )
    with pytest.raises(ValidationError) as excinfo:
        program.full_clean()
    assert "Minimum weekly hours cannot exceed the maximum." in str(excinfo.value)


def test_per_course_price_needs_a_course_count():
    program = ProgramFactory.build(
        provider=ProviderFactory(),
        price_amount=Decimal("100"),
        price_currency="USD",
        price_basis=Program.PriceBasis.PER_COURSE,
    )
    with pytest.raises(ValidationError) as excinfo:
        program.full_clean()
    assert "course_count" in excinfo.value.message_dict


def test_total_cost_multiplies_per_course_price_by_courses():
    program = ProgramFactory(
        price_amount=Decimal("1600"), price_currency="USD", price_basis="per_course", course_count=3
    )
    assert program.total_cost == Decimal("4800")
    annotated = Program.objects.get(pk=program.pk)
    assert annotated.total_cost_value == Decimal("4800")


def test_total_cost_is_the_price_for_whole_program_pricing():
    program = ProgramFactory(priced=True, course_count=4)
    assert program.total_cost == Decimal("1000")
    assert Program.objects.get(pk=program.pk).total_cost_value == Decimal("1000")


def test_total_cost_is_unknown_without_a_price():
    program = ProgramFactory()
    assert program.total_cost is None
    assert Program.objects.get(pk=program.pk).total_cost_value is None


def test_total_cost_follows_a_price_change_in_python_and_in_the_database():
    program = ProgramFactory(
        price_amount=Decimal("1000"), price_currency="USD", price_basis="per_course", course_count=3
    )
    program.price_amount = Decimal("2500")
    assert program.total_cost == Decimal("7500")  # derived on the instance, before any save
    program.save()
    assert Program.objects.get(pk=program.pk).total_cost_value == Decimal("7500")


def test_total_weeks_prefers_the_stated_duration():
    program = ProgramFactory(duration_weeks=Decimal("10"))
    ModuleFactory(program=program, weeks=Decimal("4"))
    assert program.total_weeks == Decimal("10")
    assert Program.objects.get(pk=program.pk).total_weeks_value == Decimal("10")


def test_total_weeks_adds_up_modules_when_only_they_are_published():
    program = ProgramFactory()
    ModuleFactory(program=program, position=1, weeks=Decimal("5"))
    ModuleFactory(program=program, position=2, weeks=Decimal("4"))
    assert program.total_weeks == Decimal("9")
    assert Program.objects.get(pk=program.pk).total_weeks_value == Decimal("9")


def test_total_weeks_is_unknown_when_any_module_length_is():
    program = ProgramFactory()
    ModuleFactory(program=program, position=1, weeks=Decimal("5"))
    ModuleFactory(program=program, position=2, weeks=None)
    assert program.total_weeks is None
    assert Program.objects.get(pk=program.pk).total_weeks_value is None


def test_total_hours_needs_weeks_and_weekly_hours():
    program = ProgramFactory(
        duration_weeks=Decimal("10"), weekly_hours_min=Decimal("2"), weekly_hours_max=Decimal("3")
    )
    assert program.total_hours == (Decimal("20"), Decimal("30"))
    assert ProgramFactory(duration_weeks=Decimal("10")).total_hours is None


@pytest.mark.parametrize(
    ("kind", "assessment", "expected"),
    [
        ("certification", "assessment_based", "Assessed certification"),
        ("specialization", "completion_based", "Certificate of completion"),
        ("certification", "proctored_exam", "Assessed certification"),
        ("certificate", None, "Certificate program"),
    ],
)
def test_credential_description_in_plain_words(kind, assessment, expected):
    program = ProgramFactory.build(credential_kind=kind, assessment_type=assessment)
    assert program.credential_description == expected

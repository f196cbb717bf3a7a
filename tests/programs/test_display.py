"""How catalogue values read in words (programs/display.py): prices per exam, modules of different
lengths and prices, and the derived per-hour and at-your-pace figures, on pages and in the
functions every page, the comparison table and the exports share."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from programs import display
from programs.models import Program
from tests.factories import ModuleFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PER_EXAM = Program.PriceBasis.PER_EXAM
PER_COURSE = Program.PriceBasis.PER_COURSE
WHOLE = Program.PriceBasis.PROGRAM


def _cell(client, program: Program, key: str):
    """One fact's value cell on the program's page."""
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find(id=f"fact-{key}").dd


def _fact(client, program: Program, key: str) -> str:
    """The words in one fact's value cell on the program's page."""
    return " ".join(_cell(client, program, key).get_text(" ").split())


def _priced(basis, amount="350", currency="USD", **fields) -> Program:
    return ProgramFactory(
        price_amount=Decimal(amount), price_currency=currency, price_basis=basis, **fields
    )


def _modules(program: Program, *lengths, approximate=False, prices=()) -> Program:
    for position, weeks in enumerate(lengths, start=1):
        ModuleFactory(
            program=program,
            position=position,
            weeks=None if weeks is None else Decimal(weeks),
            weeks_is_approximate=approximate,
            price_amount=Decimal(prices[position - 1]) if prices else None,
        )
    return Program.objects.get(pk=program.pk)


# -- prices ---------------------------------------------------------------------------------


def test_a_per_exam_price_is_the_total_and_is_explained_as_per_exam_on_the_page(client):
    cell = _cell(client, _priced(PER_EXAM, "350"), "total_cost")
    assert cell.contents[0].strip() == "$350"
    assert cell.find(class_="facts__note").get_text() == (
        "$350 per exam. Includes the program price; what it covers is not published"
    )


def test_an_approximate_per_exam_price_says_about_in_the_total_and_the_basis():
    program = _priced(PER_EXAM, "495", price_is_approximate=True)
    assert display.total_cost(program) == "about $495"
    assert display.cost_basis(program) == "about $495 per exam"


@pytest.mark.parametrize(
    ("basis", "courses", "expected"),
    [
        (WHOLE, None, "$2,990 for the whole program"),
        (PER_COURSE, 1, "1 course × $2,990"),
        (PER_COURSE, 3, "3 courses × $2,990"),
        (PER_EXAM, None, "$2,990 per exam"),
    ],
)
def test_the_cost_basis_names_how_the_total_is_made_up(basis, courses, expected):
    program = _priced(basis, "2990", course_count=courses)
    assert display.cost_basis(program) == expected


def test_a_per_course_price_without_a_course_count_has_no_total_and_says_so():
    program = Program(
        price_amount=Decimal("1600"),
        price_currency="USD",
        price_basis=PER_COURSE,
        price_is_approximate=True,
        duration_weeks=Decimal(1),
    )
    assert display.total_cost(program) is None
    assert display.cost_basis(program) == (
        "about $1,600 per course; number of courses not published"
    )


def test_no_price_means_no_total_and_no_basis():
    program = ProgramFactory()
    assert display.total_cost(program) is None
    assert display.cost_basis(program) is None
    assert display.price_per_hour(program) is None


@pytest.mark.parametrize(
    ("amount", "currency", "approximate", "expected"),
    [
        ("2990.00", "USD", False, "$2,990"),
        ("1600", "USD", True, "about $1,600"),
        ("1600", "EUR", False, "EUR 1,600"),
        ("1249.99", "GBP", True, "about GBP 1,249.99"),
        ("0.50", "USD", False, "$0.5"),
    ],
)
def test_money_uses_a_symbol_for_dollars_and_the_code_for_other_currencies(
    amount, currency, approximate, expected
):
    assert display.money(Decimal(amount), currency, approximate=approximate) == expected


def test_money_for_an_unknown_amount_is_unknown():
    assert display.money(None, "USD") is None


# -- lengths and modules --------------------------------------------------------------------


def test_modules_of_different_lengths_add_up_and_say_how_many_on_the_page(client):
    program = _modules(ProgramFactory(), "4", "6.5")
    assert display.duration(program) == "10.5 weeks (sum of 2 modules)"
    assert _fact(client, program, "duration") == (
        "10.5 weeks (sum of 2 modules) Derived from the modules' lengths, added up"
    )


def test_modules_of_one_length_say_each_and_keep_about(client):
    program = _modules(ProgramFactory(), "5", "5", "5", approximate=True)
    assert display.duration(program) == "about 15 weeks (3 modules of about 5 weeks each)"


def test_a_stated_duration_is_shown_alone_even_when_modules_are_listed():
    program = _modules(ProgramFactory(duration_weeks=Decimal(12)), "4", "6")
    assert display.duration(program) == "12 weeks"


def test_a_single_week_is_singular_and_an_unknown_length_is_unknown():
    assert display.duration(ProgramFactory(duration_weeks=Decimal(1))) == "1 week"
    assert display.duration(_modules(ProgramFactory(), "4", None)) is None
    assert display.duration(ProgramFactory()) is None


def test_modules_with_different_prices_each_show_their_own_price_on_the_page(client):
    program = _modules(
        _priced(WHOLE, "1000", price_is_approximate=True), "2", "3", prices=("400", "600")
    )
    first, second = program.modules.all()
    assert display.module_details(first, program) == "2 weeks, about $400"
    assert display.module_details(second, program) == "3 weeks, about $600"
    assert _fact(client, program, "modules") == (
        f"{first.title} (2 weeks, about $400); {second.title} (3 weeks, about $600)"
    )


def test_a_module_with_only_a_price_or_only_a_length_shows_what_is_known():
    program = _modules(_priced(WHOLE, "900", currency="EUR"), None, "3", prices=("450", "0"))
    priced_only, both = program.modules.all()
    assert display.module_details(priced_only, program) == "EUR 450"
    assert display.module_details(both, program) == "3 weeks, EUR 0"


def test_a_module_price_on_a_program_without_a_price_never_reads_none(client):
    program = _modules(ProgramFactory(), "2", prices=("400",))
    assert "None" not in display.module_details(program.modules.get(), program)


def test_a_module_with_neither_length_nor_price_has_no_details(client):
    program = _modules(ProgramFactory(), None)
    module = program.modules.get()
    assert display.module_details(module, program) is None
    assert _fact(client, program, "modules") == module.title  # no empty "()" after it


# -- hours and derived figures --------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, None),
        ("4", None, "4 hours a week"),
        (None, "5", "5 hours a week"),
        ("4", "4", "4 hours a week"),
        ("4", "5.5", "4–5.5 hours a week"),
    ],
)
def test_hour_ranges_collapse_when_only_one_end_is_known_or_both_agree(low, high, expected):
    value = {"low": low and Decimal(low), "high": high and Decimal(high)}
    assert display.hour_range(value["low"], value["high"], unit="hours a week") == expected


def test_total_hours_are_approximate_when_the_length_is():
    program = _modules(
        ProgramFactory(weekly_hours_min=4, weekly_hours_max=5), "5", "5", approximate=True
    )
    assert display.total_hours(program) == "about 40–50 hours in total"
    assert display.total_hours(ProgramFactory(weekly_hours_min=4)) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # 12 weeks × 5–10 hours = 60–120 hours; $1,200 / 120 = 10, / 60 = 20.
        ({"weekly_hours_min": 5, "weekly_hours_max": 10}, "$10–20 per study hour"),
        # One figure for weekly hours: one price, not a range.
        ({"weekly_hours_min": 5, "weekly_hours_max": 5}, "$20 per study hour"),
        # 1,200 / 7 / 12 = 14.29 and 1,200 / 9 / 12 = 11.11: rounded to whole units.
        ({"weekly_hours_min": 7, "weekly_hours_max": 9}, "$11–14 per study hour"),
        # An approximate price makes the derived figure approximate.
        (
            {"weekly_hours_min": 5, "weekly_hours_max": 10, "price_is_approximate": True},
            "about $10–20 per study hour",
        ),
        # Other currencies keep their code.
        (
            {"weekly_hours_min": 5, "weekly_hours_max": 10, "currency": "EUR"},
            "EUR 10–20 per study hour",
        ),
    ],
)
def test_price_per_hour_divides_the_total_by_the_study_hours(fields, expected):
    program = _priced(WHOLE, "1200", **{"duration_weeks": Decimal(12), **fields})
    assert display.price_per_hour(program) == expected


def test_price_per_hour_is_about_when_the_length_is_added_from_approximate_modules():
    program = _modules(
        _priced(PER_COURSE, "1600", weekly_hours_min=4, weekly_hours_max=5),
        "5",
        "5",
        "5",
        approximate=True,
    )
    # $4,800 over 60–75 hours.
    assert display.price_per_hour(program) == "about $64–80 per study hour"


@pytest.mark.parametrize(
    "fields",
    [
        {"weekly_hours_min": 5, "weekly_hours_max": 10},  # no length
        {"duration_weeks": Decimal(12), "weekly_hours_min": 5},  # one end of the hours
        {"duration_weeks": Decimal(12)},  # no hours
    ],
)
def test_price_per_hour_is_never_derived_from_an_unknown(fields):
    assert display.price_per_hour(_priced(WHOLE, "1200", **fields)) is None


def test_price_per_hour_is_not_derived_from_zero_study_hours():
    """The database refuses 0 weekly hours; an unsaved form value must not divide by zero."""
    program = Program(
        price_amount=Decimal(1200),
        price_currency="USD",
        price_basis=WHOLE,
        duration_weeks=Decimal(12),
        weekly_hours_min=Decimal(0),
        weekly_hours_max=Decimal(5),
    )
    assert display.price_per_hour(program) is None


@pytest.mark.parametrize(
    ("pace", "expected"),
    [
        # 12 weeks × 4–5 hours = 48–60 hours.
        (Decimal(6), "about 8–10 weeks at 6 hours a week"),
        (Decimal("7.5"), "about 7–8 weeks at 7.5 hours a week"),
        (Decimal(48), "about 1–2 weeks at 48 hours a week"),
    ],
)
def test_weeks_at_pace_rounds_each_end_up_to_whole_weeks(pace, expected):
    program = ProgramFactory(duration_weeks=Decimal(12), weekly_hours_min=4, weekly_hours_max=5)
    assert display.weeks_at_pace(program, pace) == expected


def test_weeks_at_pace_of_one_week_is_singular():
    program = ProgramFactory(duration_weeks=Decimal(12), weekly_hours_min=4, weekly_hours_max=5)
    assert display.weeks_at_pace(program, Decimal(60)) == "about 1 week at 60 hours a week"


def test_weeks_at_pace_needs_the_readers_hours_and_the_programs_study_hours():
    program = ProgramFactory(duration_weeks=Decimal(12), weekly_hours_min=4, weekly_hours_max=5)
    assert display.weeks_at_pace(program, None) is None
    assert display.weeks_at_pace(program, Decimal(0)) is None
    assert display.weeks_at_pace(ProgramFactory(duration_weeks=Decimal(12)), Decimal(6)) is None


# -- the rest of the vocabulary -------------------------------------------------------------


@pytest.mark.parametrize(
    ("questions", "minutes", "pass_mark", "expected"),
    [
        (110, 120, 70, "110 questions in 2 hours; pass with 70 correct"),
        (110, 90, None, "110 questions in 90 minutes"),
        (None, 180, None, "3 hours"),
        (None, 60, None, "60 minutes"),  # an hour reads as minutes; whole hours from 2
        (None, None, 70, "pass with 70 correct"),
        (None, None, None, None),
    ],
)
def test_the_exam_reads_as_one_phrase_from_whatever_is_published(
    questions, minutes, pass_mark, expected
):
    program = Program(exam_questions=questions, exam_minutes=minutes, exam_pass_mark=pass_mark)
    assert display.exam(program) == expected


@pytest.mark.parametrize(
    ("months", "expected"), [(12, "1 year"), (36, "3 years"), (18, "18 months"), (None, None)]
)
def test_validity_reads_in_years_when_whole(months, expected):
    assert display.validity(Program(validity_months=months)) == expected


def test_unknown_choices_and_flags_are_unknown_not_blank():
    program = Program(format=None, cme_credit=None)
    assert display.choice(program, "format") is None
    assert display.yes_no(program.cme_credit) is None
    assert display.yes_no(False) == "No"
    assert display.choice(Program(format="self_paced"), "format") == "Self-paced"

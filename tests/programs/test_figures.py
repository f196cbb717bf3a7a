"""A program's parts and totals agree on every page, whatever an editor does to its modules."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs.models import Module, Program
from tests.factories import ModuleFactory, ProgramFactory
from tests.forms import browser_post
from tests.seed import ALL, HARVARD, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def shown_totals(client, program: Program) -> dict[str, str]:
    """The total cost as the detail, list, compare and admin pages each show it."""
    detail = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    listing = BeautifulSoup(client.get(reverse("programs:list")).content, "html.parser")
    card = listing.find(id=f"program-{program.slug}").find_parent("article")
    other = next(slug for slug in ALL if slug != program.slug)
    compare = BeautifulSoup(
        client.get(reverse("compare:index"), {"programs": [program.slug, other]}).content,
        "html.parser",
    )
    label = compare.find(
        lambda tag: (
            tag.name == "th"
            and "compare-table__label" in tag.get("class", [])
            and tag.get_text(" ").strip().startswith("Total cost")
        )
    )
    cost_row = label.find_parent("tr")
    changelist = BeautifulSoup(
        client.get(reverse("admin:programs_program_changelist")).content, "html.parser"
    )
    admin_row = changelist.find("a", string=program.name).find_parent("tr")
    return {
        "detail": _text(detail.find(id="fact-total_cost").dd),
        "detail_duration": _text(detail.find(id="fact-duration").dd),
        "detail_hours": _text(detail.find(id="fact-total_hours").dd),
        "card": _text(card.find("dt", string="Total cost").find_next_sibling("dd")),
        "compare": _text(cost_row.find_all("td")[0]),
        "admin": _text(admin_row.find(class_="field-list_cost")),
    }


def _module_changes(program: Program, index: int, **values) -> dict:
    return {f"modules-{index}-{name}": value for name, value in values.items()} | {
        f"modules-{index}-program": str(program.pk)
    }


def test_adding_and_removing_a_module_in_admin_recomputes_every_total(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    url = reverse("admin:programs_program_change", args=[program.pk])
    before = shown_totals(staff_client, program)
    assert before["detail"].startswith("about $4,800 3 courses × about $1,600")

    response = browser_post(
        staff_client,
        url,
        "program_form",
        {"modules-TOTAL_FORMS": "4"}
        | _module_changes(
            program,
            3,
            position="4",
            title="Module 4",
            weeks="5",
            weeks_is_approximate="on",
            price_amount="1600",
        )
        # The guide says "a three-module program": a fourth needs a source that says four.
        | cite_in_form(program, ("course_count", "modules"), "It is now a four-module program."),
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.course_count == 4
    shown = shown_totals(staff_client, program)
    assert shown["detail"].startswith("about $6,400 4 courses × about $1,600")
    assert shown["detail_duration"].startswith("about 20 weeks (4 modules")
    assert shown["detail_hours"].startswith("about 80–100 hours in total")
    assert shown["card"] == "about $6,400 (4 courses × about $1,600)"
    assert shown["compare"].startswith("about $6,400")
    assert shown["admin"].startswith("about $6,400")

    first = program.modules.order_by("position").first()
    response = browser_post(
        staff_client,
        url,
        "program_form",
        {f"modules-{0}-DELETE": "on", "modules-0-id": str(first.pk)}
        | {"change_reason": "The fourth module was an error"}
        # Back to three modules: the guide's "three-module program" is current again.
        | {f"citations-{i}-superseded": "" for i in range(program.citations.count())}
        | {
            f"citations-{i}-DELETE": "on"
            for i, c in enumerate(program.citations.all())
            if c.quote == "It is now a four-module program."
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.course_count == 3
    assert shown_totals(staff_client, program)["card"] == "about $4,800 (3 courses × about $1,600)"


def test_the_course_count_is_read_only_once_modules_are_listed(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    html = staff_client.get(
        reverse("admin:programs_program_change", args=[program.pk])
    ).content.decode()
    assert 'name="course_count"' not in html
    response = browser_post(
        staff_client,
        reverse("admin:programs_program_change", args=[program.pk]),
        "program_form",
        {"course_count": "7"},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.course_count == 3


def test_a_module_price_that_contradicts_the_per_course_price_is_refused(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    response = browser_post(
        staff_client,
        reverse("admin:programs_program_change", args=[program.pk]),
        "program_form",
        {"modules-0-price_amount": "1900"},
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    cell = page.find("input", attrs={"name": "modules-0-price_amount"}).find_parent("td")
    assert "priced at $1,600 per course" in _text(cell)
    assert set(program.modules.values_list("price_amount", flat=True)) == {1600}


def test_changing_the_per_course_price_and_every_module_together_is_accepted(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    changes = {"price_amount": "1700"} | {
        f"modules-{i}-price_amount": "1700" for i in range(program.modules.count())
    }
    changes |= cite_in_form(
        program, "price", "The certificate's modules are priced at roughly $1,700 per course."
    )
    response = browser_post(
        staff_client,
        reverse("admin:programs_program_change", args=[program.pk]),
        "program_form",
        changes,
    )
    assert response.status_code == 302
    assert shown_totals(staff_client, program)["card"] == "about $5,100 (3 courses × about $1,700)"


@pytest.mark.usefixtures("unchecked_support")
def test_module_writes_outside_admin_keep_the_count(db):
    program = ProgramFactory(course_count=9)
    modules = [ModuleFactory(program=program, position=i) for i in (1, 2)]
    program.refresh_from_db()
    assert program.course_count == 2
    Module.objects.filter(pk=modules[0].pk).delete()
    program.refresh_from_db()
    assert program.course_count == 1


def test_the_seed_s_course_counts_match_its_modules(catalog):
    for program in Program.objects.prefetch_related("modules"):
        if program.modules.all():
            assert program.course_count == len(program.modules.all()), program


DERIVED = {
    "total_cost": "Derived from the price per course × the number of courses",
    "duration": "Derived from the modules' lengths, added up",
    "total_hours": "Derived from the duration × the weekly hours",
    "price_per_hour": "Derived from the total cost ÷ the total study hours",
}


def test_each_derived_figure_says_what_it_is_derived_from_wherever_shown(client, catalog):
    """Harvard's total, duration, study hours and price per hour are all derived (the guide
    gives a per-course price, module lengths and weekly hours); Johns Hopkins' price and
    duration are published as such, so they say nothing of the kind."""
    harvard, jhu = Program.objects.get(slug=HARVARD), Program.objects.get(slug=JHU)
    detail = BeautifulSoup(client.get(harvard.get_absolute_url()).content, "html.parser")
    for key, words in DERIVED.items():
        assert _text(detail.find(id=f"fact-{key}").select_one(".facts__derived")) == words
    other = BeautifulSoup(client.get(jhu.get_absolute_url()).content, "html.parser")
    for key in ("total_cost", "duration"):
        assert other.find(id=f"fact-{key}").select_one(".facts__derived") is None

    exported = client.get(reverse("compare:export_json"), {"programs": [HARVARD, JHU]}).json()
    rows = {row["key"]: row["values"] for row in exported["rows"]}
    for key, words in DERIVED.items():
        assert rows[key][HARVARD]["derived_from"] == words
    assert rows["total_cost"][JHU]["derived_from"] is None

    compare = BeautifulSoup(
        client.get(reverse("compare:index"), {"programs": [HARVARD, JHU]}).content, "html.parser"
    )
    cells = [
        _text(td.select_one(".facts__derived"))
        for td in compare.select(".compare-table td")
        if td.select_one(".facts__derived")
    ]
    assert sorted(cells) == sorted(DERIVED.values())

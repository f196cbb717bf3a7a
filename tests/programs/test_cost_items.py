"""What the price covers (issue #24, item 3): cost items, each cited, required or optional; the
total is the price plus the required items, on every page, filter, sort and export.

The sources give Harvard "roughly $1,600 per course" over three modules and Johns Hopkins
"$2,990", and never say what either price covers; the other four publish no price."""

import csv
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from programs import support
from programs.models import Citation, CostItem, Program
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory
from tests.forms import browser_post
from tests.profiles import examples
from tests.programs.test_admin import change_url, form_errors
from tests.programs.test_credit_detail import _compare_cells, _content, _fact
from tests.seed import ABAIM, CEDARS, HARVARD, IABAC, JHU, STANFORD
from tests.sourcing import cite_in_form, new_page

pytestmark = pytest.mark.django_db

EXAM_FEE = "A proctored exam fee of $300 is required in addition to the program fee."
MEMBERSHIP = "An optional membership costs $95 a year."
"""Sentences of a provider's page an editor cites (synthetic: the seeds give no cost items)."""

COVERS_NOT_PUBLISHED = "Includes the program price; what it covers is not published"


def _page(client, url, **params) -> BeautifulSoup:
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _note(page: BeautifulSoup, key: str) -> str:
    return page.find(id=f"fact-{key}").find(class_="facts__note").get_text(" ", strip=True)


def _add_item(staff_client, program, sentence, *, kind, amount, required):
    """An editor adds a cost item in the rendered change form's inline, citing the sentence
    that gives it under "Cost items"."""
    existing = program.cost_items.count()
    changes = cite_in_form(program, "cost_items", sentence, supersede=False)
    row = f"cost_items-{existing}"
    changes |= {
        "cost_items-TOTAL_FORMS": str(existing + 1),
        f"{row}-id": "",
        f"{row}-program": str(program.pk),
        f"{row}-kind": kind,
        f"{row}-amount": amount,
        f"{row}-currency": "USD",
        f"{row}-note": "",
    }
    if required:
        changes[f"{row}-required"] = "on"
    return browser_post(staff_client, change_url(program), "program_form", changes)


def _cited_item(program, sentence, **fields) -> CostItem:
    """A cost item and its citation written through the model layer, as an import would:
    no program edit, so no change log entry (the page's query count stays the plain one)."""
    document = new_page(sentence)
    with support.deferred():
        Citation.objects.create(
            program=program, field="cost_items", document=document, quote=sentence
        )
        return CostItem.objects.create(program=program, **fields)


def _listed_titles(page: BeautifulSoup) -> list[str]:
    """The program cards the list holds, near misses ("just over your limits") left out."""
    return [
        a.get_text(strip=True)
        for a in page.select(".program-card__title a")
        if not a.find_parent(class_="near-misses")
    ]


def _card_total(page: BeautifulSoup, slug: str) -> str:
    card = page.find(id=f"program-{slug}").find_parent("article")
    total = next(
        div for div in card.select(".program-card__facts div") if div.dt.text == "Total cost"
    )
    return " ".join(total.dd.get_text(" ").split())


def _csv_rows(response) -> dict[str, dict]:
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(_content(response)))}


# -- the seeded prices, as they were --------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "total", "note"),
    [
        (HARVARD, "about $4,800", f"3 courses × about $1,600. {COVERS_NOT_PUBLISHED}"),
        (JHU, "$2,990", f"$2,990 for the whole program. {COVERS_NOT_PUBLISHED}"),
    ],
)
def test_the_seeded_prices_are_shown_as_before_and_say_what_is_not_published(
    client, catalog, slug, total, note
):
    page = _page(client, reverse("programs:detail", args=[slug]))
    assert _fact(page, "total_cost") == total
    assert _note(page, "total_cost") == note
    assert _fact(page, "cost_items") == "Not published"
    assert Program.objects.get(slug=slug).listed_cost_items == []


@pytest.mark.parametrize("slug", [IABAC, CEDARS, STANFORD, ABAIM])
def test_programs_without_a_price_show_neither_total_nor_items(client, catalog, slug):
    page = _page(client, reverse("programs:detail", args=[slug]))
    assert _fact(page, "total_cost") == "Not published"
    assert _fact(page, "cost_items") == "Not published"
    assert page.find(id="fact-total_cost").find(class_="facts__note") is None


def test_the_seeded_prices_are_not_labelled_tuition_in_ctdl(client, catalog):
    for slug in (HARVARD, JHU):
        data = json.loads(client.get(reverse("programs:program_ctdl", args=[slug])).content)
        [cost] = data["ceterms:estimatedCost"]
        assert "ceterms:directCostType" not in cost, slug


def test_jhu_is_asked_what_its_price_covers_and_iabac_what_it_costs(client, catalog):
    jhu = _page(client, reverse("programs:detail", args=[JHU])).find(id=f"ask-text-{JHU}")
    assert "- What does the price cover (tuition, exam fee, membership, CME certificate)" in (
        jhu.get_text()
    )
    iabac = _page(client, reverse("programs:detail", args=[IABAC])).find(id=f"ask-text-{IABAC}")
    assert "What does the whole program cost" in iabac.get_text()
    assert "What does the price cover" not in iabac.get_text()


# -- a required item is in the total everywhere ---------------------------------------------


def test_a_required_item_added_in_admin_changes_the_total_everywhere(staff_client, client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(staff_client, jhu, EXAM_FEE, kind="exam_fee", amount="300", required=True)
    assert response.status_code == 302, form_errors(response)
    jhu.refresh_from_db()
    assert jhu.total_cost == Decimal("3290") == jhu.total_cost_value

    page = _page(client, jhu.get_absolute_url())
    assert _fact(page, "total_cost") == "$3,290"
    assert _note(page, "total_cost") == (
        f"$2,990 for the whole program. {COVERS_NOT_PUBLISHED}; plus the required exam fee $300"
    )
    assert _fact(page, "cost_items") == "Exam fee: $300 (required)"
    quotes = [q.get_text() for q in page.find(id="fact-cost_items").select(".citation__quote p")]
    assert quotes == [f"“{EXAM_FEE}”"]

    listing = _page(client, reverse("programs:list"))
    assert _card_total(listing, JHU) == "$3,290 ($2,990 + exam fee $300)"

    compare = _page(client, reverse("compare:index"), programs=[JHU, HARVARD])
    assert _compare_cells(compare, "Total cost")[0] == "$3,290"
    assert _compare_cells(compare, "What the price covers") == [
        "Exam fee: $300 (required)",
        "Not published",
    ]

    rows = _csv_rows(client.get(reverse("programs:export_csv")))
    assert rows[JHU]["total_cost"] == "3290"
    assert rows[JHU]["cost_items: as shown"] == "Exam fee: $300 (required)"
    exported = json.loads(_content(client.get(reverse("programs:export_json"))))
    [program] = [p for p in exported["programs"] if p["slug"] == JHU]
    assert program["total_cost"] == 3290
    compared = json.loads(
        client.get(reverse("compare:export_json"), {"programs": [JHU, HARVARD]}).content
    )
    [item] = [p for p in compared["programs"] if p["slug"] == JHU][0]["cost_items"]
    assert item == {
        "kind": "exam_fee",
        "amount": 300.0,
        "currency": "USD",
        "required": True,
        "note": None,
    }

    ctdl = json.loads(client.get(reverse("programs:program_ctdl", args=[JHU])).content)
    price, fee = ctdl["ceterms:estimatedCost"]
    assert (price["ceterms:price"], "ceterms:directCostType" in price) == (2990, False)
    assert fee["ceterms:price"] == 300
    assert fee["ceterms:directCostType"]["ceterms:targetNode"] == "costType:StandaloneAssessment"


def test_the_budget_filter_and_the_cost_sort_use_the_total_with_required_items(
    staff_client, client, catalog
):
    jhu = Program.objects.get(slug=JHU)
    _add_item(staff_client, jhu, EXAM_FEE, kind="exam_fee", amount="300", required=True)
    within = _page(client, reverse("programs:list"), max_cost="3000", hide_unpublished="on")
    assert jhu.name not in _listed_titles(within)  # $3,290 is over $3,000
    [miss] = within.select(".near-misses .program-card__title a")
    assert miss.get_text(strip=True) == jhu.name
    within = _page(client, reverse("programs:list"), max_cost="3300", hide_unpublished="on")
    assert jhu.name in _listed_titles(within)
    by_cost = _page(client, reverse("programs:list"), sort="cost")
    order = _listed_titles(by_cost)[:2]
    assert order == [jhu.name, Program.objects.get(slug=HARVARD).name]  # $3,290 < about $4,800


def test_an_optional_item_is_shown_but_not_added_to_the_total(staff_client, client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(
        staff_client, jhu, MEMBERSHIP, kind="membership", amount="95", required=False
    )
    assert response.status_code == 302, form_errors(response)
    page = _page(client, jhu.get_absolute_url())
    assert _fact(page, "total_cost") == "$2,990"
    assert _note(page, "total_cost") == f"$2,990 for the whole program. {COVERS_NOT_PUBLISHED}"
    assert _fact(page, "cost_items") == "Membership: $95 (optional)"
    assert Program.objects.get(pk=jhu.pk).total_cost_value == Decimal("2990")
    ctdl = json.loads(client.get(reverse("programs:program_ctdl", args=[JHU])).content)
    membership = ctdl["ceterms:estimatedCost"][1]
    assert membership["ceterms:price"] == 95
    assert "ceterms:directCostType" not in membership  # no CTDL concept means membership


def test_a_credit_certificate_item_is_the_cme_certificate_cost(staff_client, client, catalog):
    harvard = Program.objects.get(slug=HARVARD)
    sentence = "A CME certificate is available for an optional fee of $50."
    response = _add_item(
        staff_client, harvard, sentence, kind="credit_certificate", amount="50", required=False
    )
    assert response.status_code == 302, form_errors(response)
    page = _page(client, harvard.get_absolute_url())
    assert _fact(page, "cost_items") == "Credit certificate: $50 (optional)"
    assert page.find(id="fact-credit_certificate_cost") is None  # Harvard has no CME published


def test_an_item_its_sentence_does_not_give_is_refused(staff_client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(staff_client, jhu, EXAM_FEE, kind="exam_fee", amount="350", required=True)
    assert response.status_code == 200
    [formset] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "cost_items"
    ]
    assert "No cited sentence gives $350" in " ".join(formset.non_form_errors())
    assert not CostItem.objects.filter(program=jhu).exists()


def test_an_item_of_another_kind_than_its_sentence_names_is_refused(staff_client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(staff_client, jhu, EXAM_FEE, kind="tuition", amount="300", required=True)
    assert response.status_code == 200
    assert "does not call it tuition" in str(response.content.decode())


def test_an_item_said_optional_cannot_be_marked_required(staff_client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(
        staff_client, jhu, MEMBERSHIP, kind="membership", amount="95", required=True
    )
    assert response.status_code == 200
    assert not CostItem.objects.filter(program=jhu).exists()


def test_removing_a_required_item_takes_it_out_of_the_total(staff_client, catalog):
    jhu = Program.objects.get(slug=JHU)
    _add_item(staff_client, jhu, EXAM_FEE, kind="exam_fee", amount="300", required=True)
    item = CostItem.objects.get(program=jhu)
    changes = {
        "cost_items-0-DELETE": "on",
        "change_reason": "The provider's page no longer lists an exam fee",
    }
    response = browser_post(staff_client, change_url(jhu), "program_form", changes)
    assert response.status_code == 302, form_errors(response)
    assert not CostItem.objects.filter(pk=item.pk).exists()
    jhu = Program.objects.get(pk=jhu.pk)
    assert jhu.total_cost_value == Decimal("2990") == jhu.total_cost
    assert jhu.listed_cost_items == []


def test_a_loaded_cost_item_is_in_the_stored_total(catalog, tmp_path):
    """loaddata saves raw: the stored total follows a loaded cost item too."""
    jhu = Program.objects.get(slug=JHU)
    fixture = tmp_path / "items.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "programs.costitem",
                    "pk": 100,
                    "fields": {
                        "program": jhu.pk,
                        "kind": "other",
                        "amount": "10.00",
                        "currency": "USD",
                        "required": True,
                        "note": None,
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    jhu = Program.objects.get(pk=jhu.pk)
    assert jhu.total_cost_value == Decimal("3000") == jhu.total_cost


# -- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 40])
def test_the_detail_page_with_cost_items_keeps_its_queries(
    client, catalog, extra, django_assert_num_queries
):
    """The cost items are read with the program (its stored copy), no query of their own: the
    seven queries of a program page (tests/programs/test_pages.py: with its cohorts) and the
    four of its change log, which now holds the new total (records, their previous versions,
    and the parts changed in those revisions: modules, cohorts, citations), at any catalogue
    size."""
    jhu = Program.objects.get(slug=JHU)
    _cited_item(jhu, EXAM_FEE, kind="exam_fee", amount=Decimal(300), required=True)
    grow(6 + extra)
    with django_assert_num_queries(11):
        response = client.get(jhu.get_absolute_url())
    assert "Exam fee: $300 (required)" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_the_compare_page_with_cost_items_keeps_its_queries(
    client, catalog, extra, django_assert_num_queries
):
    """The version, programs, modules, role fits, citations, roles, the add list: as before."""
    from tests.compare.test_pages import COMPARE_QUERIES

    jhu = Program.objects.get(slug=JHU)
    _cited_item(jhu, EXAM_FEE, kind="exam_fee", amount=Decimal(300), required=True)
    grow(6 + extra)
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("compare:index"), {"programs": [JHU, HARVARD, STANFORD]})
    assert "Exam fee: $300 (required)" in response.content.decode()


# -- the stored total is the computed one -----------------------------------------------------

amounts = st.decimals(min_value=0, max_value=5000, places=2)


@pytest.mark.usefixtures("unchecked_support")
class StoredTotalWithCostItems(TestCase):
    @settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
    @given(
        price=st.one_of(st.none(), amounts),
        items=st.lists(st.tuples(amounts, st.booleans()), max_size=4),
        flip=st.integers(min_value=0, max_value=3),
        delete=st.integers(min_value=0, max_value=3),
    )
    def test_the_stored_total_is_the_price_plus_the_required_items(
        self, price, items, flip, delete
    ):
        with support.unchecked():
            program = ProgramFactory(
                price_amount=price,
                price_currency="USD" if price is not None else None,
                price_basis="program" if price is not None else None,
            )
            made = [
                CostItem.objects.create(
                    program=program, kind="other", amount=amount, required=required
                )
                for amount, required in items
            ]
            self._check(program.pk)
            if made:
                changed = made[flip % len(made)]
                changed.required = not changed.required
                changed.save()
                self._check(program.pk)
                made[delete % len(made)].delete()
                self._check(program.pk)

    def _check(self, program_id: int) -> None:
        program = Program.objects.get(pk=program_id)
        rows = CostItem.objects.filter(program_id=program_id)
        required = sum((i.amount for i in rows if i.required), Decimal(0))
        assert program.required_items_value == required
        assert program.total_cost_value == program.total_cost
        base = program.base_cost
        assert program.total_cost == (None if base is None else base + required)
        assert [i.as_listed() for i in program.listed_cost_items] == [
            i.as_listed() for i in rows.order_by(*CostItem.SHOWN_ORDER)
        ]


def test_the_change_log_shows_the_total_a_required_item_moved(staff_client, client, catalog):
    jhu = Program.objects.get(slug=JHU)
    response = _add_item(staff_client, jhu, EXAM_FEE, kind="exam_fee", amount="300", required=True)
    assert response.status_code == 302, form_errors(response)
    page = _page(client, reverse("programs:changes"), program=JHU)
    rows = [
        tuple(cell.get_text(strip=True) for cell in row.find_all(["th", "td"]))
        for row in page.select("tr.change__row")
    ]
    assert ("Total cost (derived)", "$2,990", "$3,290") in rows


def test_a_deleted_program_is_restored_with_its_cost_items_and_total(catalog):
    from programs import history

    jhu = Program.objects.get(slug=JHU)
    _cited_item(jhu, EXAM_FEE, kind="exam_fee", amount=Decimal(300), required=True)
    program_id = jhu.pk
    jhu.delete()
    restored = history.restore_program(program_id)
    assert [item.shown for item in restored.cost_items.all()] == ["Exam fee: $300 (required)"]
    restored = Program.objects.get(pk=program_id)
    assert restored.total_cost_value == Decimal("3290") == restored.total_cost
    assert [item.shown for item in restored.listed_cost_items] == ["Exam fee: $300 (required)"]

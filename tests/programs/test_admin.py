"""Admin as editors use it: every form posted back exactly as the page rendered it."""

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic
from tests.factories import StaffUserFactory
from tests.forms import browser_post, form_fields
from tests.seed import ALL, HARVARD, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["program", "provider", "role", "topic", "document", "citation", "rolefit", "module"]
OTHER_MODELS = [Provider, Role, Topic, Document, Citation, RoleFit, Module]


def change_url(obj) -> str:
    return reverse(f"admin:programs_{obj._meta.model_name}_change", args=[obj.pk])


def snapshot(program: Program) -> dict:
    """Everything an admin save of a program could touch."""
    program = Program.objects.get(pk=program.pk)
    return {
        "program": model_to_dict(program),
        "modules": [model_to_dict(m) for m in program.modules.order_by("pk")],
        "role_fits": [model_to_dict(f) for f in program.role_fits.order_by("pk")],
        "citations": [model_to_dict(c) for c in program.citations.order_by("pk")],
    }


def form_errors(response) -> list:
    """The errors admin rendered, for assertion messages."""
    if response.context is None or "adminform" not in response.context:
        return [response.status_code]
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.errors, inline.formset.non_form_errors()]
    return [e for e in errors if e]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_anonymous_users_are_sent_to_log_in(client, model):
    response = client.get(reverse(f"admin:programs_{model}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_staff_see_every_changelist_and_add_form(staff_client, catalog, model):
    assert staff_client.get(reverse(f"admin:programs_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:programs_{model}_add")).status_code == 200


@pytest.mark.parametrize("slug", ALL)
def test_every_seeded_program_saves_unchanged_through_its_rendered_form(
    staff_client, catalog, slug
):
    """Post back exactly what the change page renders: empty fields as "", inlines with ids."""
    program = Program.objects.get(slug=slug)
    before = snapshot(program)
    response = browser_post(staff_client, change_url(program), "program_form")
    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == reverse("admin:programs_program_changelist")
    assert snapshot(program) == before


@pytest.mark.parametrize("model", OTHER_MODELS, ids=lambda m: m.__name__)
def test_every_row_of_every_other_model_saves_unchanged(staff_client, catalog, model):
    rows = list(model.objects.all())
    assert rows, f"the seed has no {model.__name__}"
    form_id = f"{model._meta.model_name}_form"
    for row in rows:
        before = model_to_dict(row)
        response = browser_post(staff_client, change_url(row), form_id)
        assert response.status_code == 302, (row, form_errors(response))
        row.refresh_from_db()
        assert model_to_dict(row) == before, row


def test_the_change_form_sends_empty_text_fields_as_empty_strings(staff_client, catalog):
    """The premise of the round trip: Harvard's unknown prerequisites go back as ""."""
    html = staff_client.get(change_url(Program.objects.get(slug=HARVARD))).content.decode()
    fields = dict(form_fields(html, "program_form"))
    assert fields["prerequisites"] == ""
    assert fields["format_note"] == ""


def test_blank_optional_text_is_stored_as_unknown(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    response = browser_post(
        staff_client,
        change_url(program),
        "program_form",
        {"prerequisites": "   ", "change_reason": "Prerequisites are not published"},
    )
    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert program.prerequisites is None


def test_a_provider_added_with_no_description_stores_it_as_unknown(staff_client, catalog):
    url = reverse("admin:programs_provider_add")
    response = browser_post(
        staff_client,
        url,
        "provider_form",
        {"name": "Example Health", "short_name": "Example", "slug": "example", "kind": "other"},
    )
    assert response.status_code == 302, form_errors(response)
    assert Provider.objects.get(slug="example").description is None


def test_program_changelist_shows_totals_at_a_flat_query_count(
    staff_client, catalog, django_assert_max_num_queries
):
    """Provider from list_select_related, modules and citations in one prefetch each."""
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:programs_program_changelist"))
    html = response.content.decode()
    harvard = Program.objects.get(slug=HARVARD)
    row = html[html.index(f'href="{change_url(harvard)}'.replace('"', '"')) :]
    row = row[: row.index("</tr>")]
    assert "about $4,800" in row
    assert f'href="{harvard.get_absolute_url()}"' in row


def test_program_change_form_shows_the_derived_total_and_its_basis(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    html = staff_client.get(change_url(program)).content.decode()
    field = html[html.index("field-total_cost_display") :]
    field = field[: field.index("</div>\n")]
    assert "about $4,800 (3 courses × about $1,600)" in field
    assert 'name="total_cost_display"' not in html


def test_each_fact_s_citations_show_beside_its_fieldset(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    html = staff_client.get(change_url(program)).content.decode()
    cost = html[html.index("field-cost_sources") :]
    cost = cost[: cost.index("</div>\n")]
    price_quote = program.citations.get(field="price").quote
    assert price_quote.replace("'", "&#x27;") in cost
    cme = html[html.index("field-cme_sources") :]
    cme = cme[: cme.index("</div>\n")]
    assert "No citation yet" in cme


def _fact_cell(html: str, key: str) -> str:
    cell = html[html.index(f'id="fact-{key}"') :]
    return cell[: cell.index("</div>")]


def test_a_price_its_citation_does_not_give_is_refused_beside_the_price(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    response = browser_post(
        staff_client, change_url(program), "program_form", {"price_amount": "3150.00"}
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    # The 2026 guide: "…runs 10 weeks online at $2,990, requires no prior programming…"
    assert form.errors["price_amount"] == [
        "The cited sentence gives $2,990 (the 2026 guide, “Johns Hopkins' AI in Healthcare "
        "Certificate Program runs 10 weeks online at $2,990, requires no prior programming "
        "experience, and combines recorded lessons with live mentorship and masterclasses.”). "
        "Cite the sentence that gives $3,150, or leave the price unknown."
    ]
    summary = response.context["error_summary"]
    assert ("Price amount", form.errors["price_amount"][0], "#id_price_amount") in summary
    assert Program.objects.get(pk=program.pk).price_amount == Decimal("2990")


def test_a_price_change_cited_to_a_new_page_shows_on_the_site(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    sentence = "The AI in Healthcare Certificate Program costs $3,150."
    changes = {"price_amount": "3150.00", **cite_in_form(program, "price", sentence)}
    response = browser_post(staff_client, change_url(program), "program_form", changes)
    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert program.price_amount == Decimal("3150.00")
    old = program.citations.get(field="price", document_id=1)
    assert old.superseded
    cost = _fact_cell(client.get(program.get_absolute_url()).content.decode(), "total_cost")
    assert "$3,150" in cost
    assert sentence in cost
    assert "earlier: $2,990" in cost
    # The guide's sentence is kept as "earlier", not shown as the price's current source.
    current = BeautifulSoup(cost, "html.parser").select("details.citation:not(.facts__earlier)")
    quotes = [q.get_text() for details in current for q in details.select(".citation__quote p")]
    assert quotes == [f"“{sentence}”"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"weekly_hours_min": "9", "weekly_hours_max": "5"},
            None,
            "Minimum weekly hours cannot exceed",
        ),
        ({"price_amount": "-5"}, None, "The price cannot be negative."),
        ({"price_currency": ""}, None, "Give the price amount, currency and basis together"),
        ({"exam_questions": "10", "exam_pass_mark": "20"}, None, "pass mark cannot exceed"),
        ({"url": "not a web address"}, "url", "Enter a valid URL."),
    ],
)
def test_invalid_edits_show_form_errors_not_500(staff_client, catalog, changes, field, message):
    program = Program.objects.get(slug=JHU)
    response = browser_post(staff_client, change_url(program), "program_form", changes)
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    program.refresh_from_db()
    assert program.price_amount == Decimal("2990")


def test_provider_page_address_links_from_the_detail_page(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    html = client.get(program.get_absolute_url()).content.decode()
    assert "program__provider-link" not in html
    response = browser_post(
        staff_client,
        change_url(program),
        "program_form",
        {"url": "https://example.org/jhu-ai-certificate", "change_reason": "Link to the page"},
    )
    assert response.status_code == 302, form_errors(response)
    html = client.get(program.get_absolute_url()).content.decode()
    link = html[html.index('class="program__provider-link"') :]
    assert link.index('href="https://example.org/jhu-ai-certificate"') < link.index(">")


def test_mark_verified_today_action_updates_every_selected_program(staff_client, catalog):
    url = reverse("admin:programs_program_changelist")
    ids = list(Program.objects.filter(slug__in=[HARVARD, JHU]).values_list("pk", flat=True))
    # The changelist form as the browser sends it: the action chosen, two rows ticked.
    response = browser_post(
        staff_client,
        url,
        "changelist-form",
        {"action": "mark_verified_today", "_selected_action": [str(pk) for pk in ids]},
        submit=("index", "0"),
    )
    assert response.status_code == 302
    today = timezone.localdate()
    assert set(Program.objects.filter(pk__in=ids).values_list("last_verified", flat=True)) == {
        today
    }
    assert Program.objects.exclude(pk__in=ids).filter(last_verified=today).count() == 0
    # Each program's history records the change.
    for pk in ids:
        assert Program.history.filter(id=pk).first().last_verified == today


def test_changelist_filters_by_provider_assessment_and_last_verified(staff_client, catalog):
    url = reverse("admin:programs_program_changelist")
    harvard = Program.objects.get(slug=HARVARD)
    response = staff_client.get(url, {"provider__id__exact": harvard.provider_id})
    assert list(response.context["cl"].result_list) == [harvard]
    response = staff_client.get(url, {"assessment_type__exact": "completion_based"})
    assert [p.slug for p in response.context["cl"].result_list] == ["stanford-ai-in-healthcare"]
    response = staff_client.get(url, {"last_verified__gte": date(2030, 1, 1).isoformat()})
    assert list(response.context["cl"].result_list) == []
    response = staff_client.get(url, {"q": "Hopkins"})
    assert [p.slug for p in response.context["cl"].result_list] == [JHU]


def test_non_staff_users_cannot_open_the_admin(client, catalog):
    user = StaffUserFactory(username="reader", is_staff=False, is_superuser=False)
    client.force_login(user)
    response = client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302


def test_a_fact_change_asks_for_a_reason_and_the_log_shows_it(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    sentence = "The AI in Healthcare Certificate Program costs $3,150."
    changes = {"price_amount": "3150.00", **cite_in_form(program, "price", sentence)}
    response = browser_post(
        staff_client, change_url(program), "program_form", changes | {"change_reason": ""}
    )
    assert response.status_code == 200
    [asked] = response.context["adminform"].form.errors["change_reason"]
    assert asked.startswith("Say in a few words why these facts changed")
    assert Program.objects.get(pk=program.pk).price_amount == Decimal("2990")

    reason = "Provider's page of 2 Dec 2026 gives $3,150"
    changes["change_reason"] = reason
    assert (
        browser_post(staff_client, change_url(program), "program_form", changes).status_code == 302
    )
    html = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    entry = html.find(id="changes").find("li", class_="change")
    assert entry.find(class_="change__reason").get_text(strip=True) == f"Reason given: {reason}"
    assert sentence in entry.find(class_="change__source").get_text()


def test_saving_only_the_checked_date_needs_no_reason(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    response = browser_post(
        staff_client, change_url(program), "program_form", {"last_verified": "2026-12-01"}
    )
    assert response.status_code == 302, form_errors(response)

from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import Program

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["program", "provider", "role", "topic", "document", "citation", "rolefit", "module"]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_anonymous_users_are_sent_to_log_in(client, model):
    response = client.get(reverse(f"admin:programs_{model}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_staff_see_every_changelist_and_add_form(staff_client, catalog, model):
    assert staff_client.get(reverse(f"admin:programs_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:programs_{model}_add")).status_code == 200


def test_program_changelist_shows_totals_at_a_flat_query_count(
    staff_client, catalog, django_assert_max_num_queries
):
    """Provider comes from list_select_related and modules from one prefetch, however many rows."""
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:programs_program_changelist"))
    html = response.content.decode()
    assert "about $4,800" in html
    assert "Not published" in html


def test_program_change_form_shows_the_derived_total_read_only(staff_client, catalog):
    program = Program.objects.get(slug="harvard-ai-in-health-care")
    html = staff_client.get(
        reverse("admin:programs_program_change", args=[program.pk])
    ).content.decode()
    assert "about $4,800" in html
    assert 'name="total_cost_display"' not in html


def _form_data(staff_client, program):
    """The change form's current values, as the browser would post them back."""
    response = staff_client.get(reverse("admin:programs_program_change", args=[program.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name == "topics":
            data[name] = [t.pk for t in value]
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = fs.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = fs.initial_form_count()
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, f in enumerate(fs.forms):
            data[f"{prefix}-{i}-id"] = f.instance.pk
            for name in f.fields:
                value = f.initial.get(name)
                if value is not None:
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
    return data


def _errors(response):
    errors = [response.context["adminform"].form.errors]
    errors += [fs.formset.errors for fs in response.context["inline_admin_formsets"]]
    errors += [fs.formset.non_form_errors() for fs in response.context["inline_admin_formsets"]]
    return errors


def test_a_price_change_in_admin_shows_on_the_site(staff_client, catalog):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    data = _form_data(staff_client, program)
    data["price_amount"] = "3150.00"
    response = staff_client.post(reverse("admin:programs_program_change", args=[program.pk]), data)
    assert response.status_code == 302, _errors(response)
    program.refresh_from_db()
    assert program.price_amount == Decimal("3150.00")
    assert "$3,150" in staff_client.get(program.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekly_hours_min": "9", "weekly_hours_max": "5"}, "Minimum weekly hours cannot exceed"),
        ({"price_amount": "-5"}, "The price cannot be negative."),
        ({"price_currency": ""}, "Give the price amount, currency and basis together"),
        ({"exam_questions": "10", "exam_pass_mark": "20"}, "pass mark cannot exceed"),
    ],
)
def test_invalid_edits_show_form_errors_not_500(staff_client, catalog, changes, message):
    program = Program.objects.get(slug="johns-hopkins-ai-in-healthcare")
    data = _form_data(staff_client, program)
    data.update(changes)
    response = staff_client.post(reverse("admin:programs_program_change", args=[program.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    program.refresh_from_db()
    assert program.price_amount == Decimal("2990")

"""Nothing is lost: every edit is kept with who and when, diffed, revertible; deletes undoable."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs import history
from programs.models import Citation, Module, Program, RoleFit
from tests.forms import browser_post
from tests.seed import HARVARD, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db


def _change_url(program) -> str:
    return reverse("admin:programs_program_change", args=[program.pk])


def _parts(program_id: int) -> dict:
    return {
        "modules": sorted(Module.objects.filter(program_id=program_id).values_list("pk", "weeks")),
        "role_fits": sorted(
            RoleFit.objects.filter(program_id=program_id).values_list("pk", "strength")
        ),
        "citations": sorted(Citation.objects.filter(program_id=program_id).values_list("pk")),
        "topics": sorted(
            Program.topics.through.objects.filter(program_id=program_id).values_list("topic_id")
        ),
    }


def _edit_harvard(staff_client, program):
    """One admin save: new price on the program and every module, one module longer, one added."""
    changes = {"price_amount": "1700"} | {f"modules-{i}-price_amount": "1700" for i in range(3)}
    changes |= {
        "modules-0-weeks": "6",
        "modules-TOTAL_FORMS": "4",
        "modules-3-position": "4",
        "modules-3-title": "Module 4",
        "modules-3-weeks": "5",
        "modules-3-weeks_is_approximate": "on",
        "modules-3-program": str(program.pk),
    }
    # A new page for the new figures, cited for each (the guide's are superseded).
    changes |= cite_in_form(
        program,
        ("price", "course_count", "modules"),
        "The certificate is now a four-module program, priced at roughly $1,700 per course; the "
        "first module runs approximately six weeks.",
    )
    response = browser_post(staff_client, _change_url(program), "program_form", changes)
    assert response.status_code == 302


def test_an_admin_edit_is_recorded_with_its_editor_and_a_diff(staff_client, staff_user, catalog):
    program = Program.objects.get(slug=HARVARD)
    _edit_harvard(staff_client, program)
    latest = Program.history.filter(id=program.pk).exclude(revision=history.SEED_REVISION)
    assert latest.first().history_user == staff_user
    page = BeautifulSoup(
        staff_client.get(reverse("admin:programs_program_history", args=[program.pk])).content,
        "html.parser",
    )
    rows = page.find(id="change-history").tbody.find_all("tr")
    changes = " ".join(" ".join(row.get_text(" ").split()) for row in rows)
    assert "Price: $1,600 → $1,700" in changes
    assert staff_user.username in " ".join(rows[-2].get_text(" ").split())


def test_the_editors_history_shows_module_and_citation_changes_in_words(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    _edit_harvard(staff_client, program)
    page = BeautifulSoup(
        staff_client.get(reverse("admin:programs_program_history", args=[program.pk])).content,
        "html.parser",
    )
    newest = page.find(id="change-history").tbody.find("tr")
    parts = [" ".join(li.get_text(" ").split()) for li in newest.select(".part-changes li")]
    assert "Module 1 · Weeks: 5 → 6" in parts
    assert "Module 1 · Price: $1,600 → $1,700" in parts
    assert "Module 4: — → added: Module 4" in parts
    assert any(
        p.startswith("Citation for Price: — → added: “The certificate is now a four-module")
        for p in parts
    )
    assert "Citation for Price · Superseded: No → Yes" in parts
    # The seed's first version says so; no row says "None".
    oldest = page.find(id="change-history").tbody.find_all("tr")[-1]
    assert "First version" in oldest.get_text(" ")
    assert "None" not in page.find(id="change-history").get_text(" ")


def test_a_program_reverts_with_its_modules_to_an_earlier_version(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    before = _parts(program.pk)
    seed = Program.history.get(id=program.pk, revision=history.SEED_REVISION)
    _edit_harvard(staff_client, program)
    program.refresh_from_db()
    assert (program.price_amount, program.course_count) == (1700, 4)

    url = reverse("admin:programs_program_revert", args=[program.pk, seed.history_id])
    preview = BeautifulSoup(staff_client.get(url).content, "html.parser")
    assert "modules (3)" in preview.find(id="revert-preview").get_text(" ").lower()

    response = staff_client.post(url)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.price_amount, program.course_count) == (1600, 3)
    assert _parts(program.pk) == before
    card = BeautifulSoup(staff_client.get(reverse("programs:list")).content, "html.parser").find(
        id=f"program-{HARVARD}"
    )
    assert "about $4,800" in card.find_parent("article").get_text(" ")


def test_the_revert_is_itself_in_the_history_and_can_be_undone(staff_client, catalog):
    program = Program.objects.get(slug=HARVARD)
    seed = Program.history.get(id=program.pk, revision=history.SEED_REVISION)
    _edit_harvard(staff_client, program)
    edited = Program.history.filter(id=program.pk).first()
    staff_client.post(reverse("admin:programs_program_revert", args=[program.pk, seed.history_id]))
    staff_client.post(
        reverse("admin:programs_program_revert", args=[program.pk, edited.history_id])
    )
    program.refresh_from_db()
    assert (program.price_amount, program.course_count) == (1700, 4)
    assert sorted(program.modules.values_list("weeks", flat=True)) == [5, 5, 5, 6]


def test_deleting_asks_first_is_recorded_and_can_be_restored(staff_client, catalog, client):
    program = Program.objects.get(slug=JHU)
    pk, before = program.pk, _parts(program.pk)
    delete_url = reverse("admin:programs_program_delete", args=[pk])
    confirmation = staff_client.get(delete_url)
    assert confirmation.status_code == 200
    assert Program.objects.filter(pk=pk).exists(), "a GET must only ask"
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Program.objects.filter(pk=pk).exists()
    assert client.get(reverse("programs:detail", args=[JHU])).status_code == 404

    deleted = BeautifulSoup(
        staff_client.get(reverse("admin:programs_program_deleted")).content, "html.parser"
    )
    row = deleted.find("tr", class_="deleted-program")
    assert program.name in row.get_text(" ")
    action = row.find("a", class_="button")["href"]
    asked = BeautifulSoup(staff_client.get(action).content, "html.parser")
    assert asked.find("input", attrs={"value": "Yes, restore it"})
    assert staff_client.post(action).status_code == 302

    restored = Program.objects.get(pk=pk)
    assert restored.price_amount == 2990
    assert _parts(pk) == before
    assert client.get(restored.get_absolute_url()).status_code == 200
    assert not list(history.deleted_programs())


def test_restoring_a_program_that_exists_is_a_404(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_restore", args=[program.pk])
    assert staff_client.post(url).status_code == 404


def test_reverting_to_an_unknown_version_is_a_404(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_revert", args=[program.pk, 999_999])
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("model", ["provider", "role", "topic", "document", "citation"])
def test_every_catalogue_model_has_an_admin_history_page(staff_client, catalog, model):
    from django.apps import apps

    obj = apps.get_model("programs", model).objects.first()
    response = staff_client.get(reverse(f"admin:programs_{model}_history", args=[obj.pk]))
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").find(id="change-history")


def test_a_provider_edit_is_kept(staff_client, staff_user, catalog):
    provider = Program.objects.get(slug=JHU).provider
    url = reverse("admin:programs_provider_change", args=[provider.pk])
    response = browser_post(staff_client, url, "provider_form", {"short_name": "Renamed"})
    assert response.status_code == 302
    record = provider.history.first()
    assert (record.short_name, record.history_user) == ("Renamed", staff_user)
    assert record.prev_record.short_name != "Renamed"

"""Who may revert, list deleted programs and restore them in admin: reverting and listing need
the change permission, restoring needs add and change, and only a POST restores."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse

from programs import history
from programs.models import Program
from tests.factories import StaffUserFactory
from tests.seed import JHU

pytestmark = pytest.mark.django_db


def _editor(client, username: str, *actions: str):
    """A staff member (not a superuser) with only these permissions on programs, signed in
    (in place of whoever was)."""
    user = StaffUserFactory(username=username, is_superuser=False)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="programs", codename__in=[f"{a}_program" for a in actions]
        )
    )
    client.force_login(user)
    return client


@pytest.fixture
def deleted_jhu(staff_client, catalog) -> int:
    """Johns Hopkins' program, deleted in admin (so its history has a deletion to restore)."""
    pk = Program.objects.get(slug=JHU).pk
    url = reverse("admin:programs_program_delete", args=[pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    return pk


def test_an_editor_who_may_only_view_programs_cannot_revert_them(client, catalog):
    program = Program.objects.get(slug=JHU)
    seed = Program.history.filter(id=program.pk).get()
    url = reverse("admin:programs_program_revert", args=[program.pk, seed.history_id])
    viewer = _editor(client, "viewer", "view")
    assert viewer.get(url).status_code == 403
    assert viewer.post(url).status_code == 403
    assert Program.history.filter(id=program.pk).count() == 1  # nothing was written


def test_an_editor_who_may_only_view_programs_cannot_list_or_restore_deleted_ones(
    client, deleted_jhu
):
    viewer = _editor(client, "viewer", "view")
    assert viewer.get(reverse("admin:programs_program_deleted")).status_code == 403
    restore = reverse("admin:programs_program_restore", args=[deleted_jhu])
    assert viewer.post(restore).status_code == 403
    assert not Program.objects.filter(pk=deleted_jhu).exists()


def test_restoring_needs_the_add_permission_as_well_as_change(client, deleted_jhu):
    changer = _editor(client, "changer", "view", "change")
    page = changer.get(reverse("admin:programs_program_deleted"))
    assert page.status_code == 200  # listing deleted programs needs change only
    row = BeautifulSoup(page.content, "html.parser").find("tr", class_="deleted-program")
    assert row.find("a", class_="button")["href"] == reverse(
        "admin:programs_program_restore", args=[deleted_jhu]
    )
    assert changer.post(row.find("a", class_="button")["href"]).status_code == 403
    assert not Program.objects.filter(pk=deleted_jhu).exists()


def test_a_restore_link_asks_first_and_only_a_post_restores(staff_client, deleted_jhu):
    """A GET (a prefetch, a pasted link) must not write: it asks, naming the program."""
    restore = reverse("admin:programs_program_restore", args=[deleted_jhu])
    response = staff_client.get(restore)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Restore “AI in Healthcare Certificate Program”" in page
    assert 'value="Yes, restore it"' in page
    assert not Program.objects.filter(pk=deleted_jhu).exists()
    assert [p.id for p in history.deleted_programs()] == [deleted_jhu]
    assert staff_client.post(restore).status_code == 302
    assert Program.objects.filter(pk=deleted_jhu).exists()

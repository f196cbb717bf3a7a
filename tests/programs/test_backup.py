"""Backups that restore (issue #12): a dump taken by backup_catalog, loaded by restore_catalog
into an emptied database, gives back the catalogue, its history and the accounts exactly."""

import gzip
import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs import history
from programs.models import CatalogueVersion, Program
from tests.forms import browser_post
from tests.seed import HARVARD, JHU
from tests.sourcing import cite_in_form, reprice

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long passphrase nobody guesses"

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
"""For tests that flush: PostgreSQL will not TRUNCATE tables with writes pending in the same
transaction, and a restore that commits has its deferred foreign keys checked, as in
production. Each starts from what migrations create (the Editors group among it)."""


def _catalogue() -> dict[str, list[dict]]:
    """Every row of every catalogue model, historical ones and the program–topic links
    included, field by field; a record's editor by username (user ids are not kept: users
    are written by natural key)."""
    usernames = dict(User.objects.values_list("pk", "username"))
    rows = {}
    for model in apps.get_app_config("programs").get_models(include_auto_created=True):
        if model is CatalogueVersion:
            continue
        if model._meta.auto_created:  # a link's own id is not kept: `.set()` writes links anew
            rows[model._meta.label] = sorted(model.objects.values_list("program", "topic"))
            continue
        rows[model._meta.label] = [
            {
                **row,
                **(
                    {"history_user_id": usernames.get(row["history_user_id"])}
                    if "history_user_id" in row
                    else {}
                ),
            }
            for row in model._base_manager.order_by("pk").values()
        ]
    return rows


def _accounts() -> list[tuple]:
    """Each user as they sign in and what they may do: password hash, flags, groups and the
    permissions of each group and of the user, by natural key."""
    return [
        (
            user.username,
            user.password,
            user.email,
            user.is_staff,
            user.is_superuser,
            user.is_active,
            user.date_joined,
            user.last_login,
            sorted(
                (group.name, sorted(p.natural_key() for p in group.permissions.all()))
                for group in user.groups.all()
            ),
            sorted(p.natural_key() for p in user.user_permissions.all()),
        )
        for user in User.objects.order_by("username")
    ]


def _edit_harvard_in_admin(staff_client) -> None:
    """One admin save with its editor recorded: a new price on the program and its modules."""
    program = Program.objects.get(slug=HARVARD)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"price_amount": "1700"} | {f"modules-{i}-price_amount": "1700" for i in range(3)}
    changes |= cite_in_form(
        program, "price", "The certificate's modules are priced at roughly $1,700 per course."
    )
    assert browser_post(staff_client, url, "program_form", changes).status_code == 302


def _reviewer() -> User:
    """A staff user who signs in with a password and may change programs through a group."""
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.set(
        Permission.objects.filter(codename__in=["view_program", "change_program", "view_document"])
    )
    user = User.objects.create_user("reviewer", "reviewer@example.com", PASSPHRASE, is_staff=True)
    user.groups.add(reviewers)
    user.user_permissions.add(Permission.objects.get(codename="view_citation"))
    return user


def _backup(tmp_path) -> str:
    path = tmp_path / "certcatalog.json"
    call_command("backup_catalog", str(path), stdout=StringIO())
    return str(path)


def _restore(path: str) -> str:
    out = StringIO()
    call_command("restore_catalog", path, stdout=out)
    return out.getvalue()


def _total_cost(client, slug: str) -> str:
    page = BeautifulSoup(client.get(f"/programs/{slug}/").content, "html.parser")
    return page.find(id="fact-total_cost").find("dd").get_text(" ", strip=True)


@committed
def test_a_backup_restores_the_catalogue_its_history_and_the_accounts(
    staff_client, staff_user, committed_catalog, tmp_path
):
    _edit_harvard_in_admin(staff_client)
    _reviewer()
    edits = Program.history.exclude(revision=history.SEED_REVISION)
    assert edits.filter(history_user=staff_user).exists(), "the edit has an editor to restore"
    catalogue, accounts = _catalogue(), _accounts()
    version = CatalogueVersion.objects.get()

    path = _backup(tmp_path)
    call_command("flush", interactive=False)
    assert not Program.objects.exists() and not User.objects.exists()
    assert not Program.history.exists()
    report = _restore(path)

    assert "Restored 6 programs and 2 users" in report
    assert _catalogue() == catalogue
    assert _accounts() == accounts
    restored = CatalogueVersion.objects.get()
    assert restored.version > version.version, "pages cached before the restore are stale"
    assert restored.footer == version.footer
    harvard = Program.objects.get(slug=HARVARD)
    assert harvard.history.first().history_user.username == staff_user.username


@committed
def test_a_restored_editor_signs_in_with_their_password_and_keeps_their_permissions(
    client, committed_catalog, tmp_path
):
    _reviewer()
    path = _backup(tmp_path)
    call_command("flush", interactive=False)
    _restore(path)

    signed_in = client.post(
        reverse("admin:login"), {"username": "reviewer", "password": PASSPHRASE}
    )
    assert signed_in.status_code == 302
    program = Program.objects.get(slug=JHU)
    assert (
        client.get(reverse("admin:programs_program_change", args=[program.pk])).status_code == 200
    )
    assert (
        client.get(reverse("admin:programs_program_delete", args=[program.pk])).status_code == 403
    )


@committed
def test_a_group_migrations_created_again_takes_the_backup_s_permissions(
    committed_catalog, tmp_path
):
    _reviewer()
    expected = _accounts()
    path = _backup(tmp_path)
    call_command("flush", interactive=False)
    Group.objects.create(name="Reviewers").permissions.set(
        Permission.objects.filter(codename="delete_program")
    )
    _restore(path)
    assert _accounts() == expected
    assert Group.objects.filter(name="Reviewers").count() == 1


@committed
def test_no_page_cached_before_the_restore_is_served_after_it(client, committed_catalog, tmp_path):
    """The restored version number is the backup's: pages cached since the backup was taken
    may carry the number the restore ends on."""
    path = _backup(tmp_path)
    with history.revision():
        reprice(Program.objects.get(slug=JHU), 3150)
    assert _total_cost(client, JHU).startswith("$3,150")
    call_command("flush", interactive=False)
    _restore(path)
    assert _total_cost(client, JHU).startswith("$2,990")


def test_the_dump_can_be_written_to_stdout_or_compressed(catalog, tmp_path):
    out = StringIO()
    call_command("backup_catalog", "-", stdout=out)
    compressed = tmp_path / "certcatalog.json.gz"
    call_command("backup_catalog", str(compressed), stdout=StringIO())
    with open(_backup(tmp_path)) as dump, gzip.open(compressed, "rt") as compressed_dump:
        dumped = json.load(dump)
        assert json.loads(out.getvalue()) == dumped
        assert json.load(compressed_dump) == dumped


@committed
@pytest.mark.parametrize("existing", ["catalogue", "user"])
def test_restore_refuses_a_database_that_is_not_empty(committed_catalog, tmp_path, existing):
    path = _backup(tmp_path)
    call_command("flush", interactive=False)
    if existing == "catalogue":
        call_command("seed_catalog", stdout=StringIO())
    else:
        User.objects.create_user("admin")
    before = (Program.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="The database is not empty.*manage.py flush"):
        _restore(path)
    assert (Program.objects.count(), User.objects.count()) == before

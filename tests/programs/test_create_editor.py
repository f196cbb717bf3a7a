"""`manage.py create_editor` (make editor): asks for the password twice when run by a person,
and refuses a taken name or a database without the Editors group instead of half-creating."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

PASSWORD = "a long editor passphrase 2026"


def _typing(monkeypatch, *answers: str) -> list[str]:
    """The person at the terminal types these answers, one per password prompt."""
    prompts = []
    typed = iter(answers)

    def getpass(prompt):
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr("programs.management.commands.create_editor.getpass.getpass", getpass)
    return prompts


def test_a_person_types_the_password_twice_and_gets_an_editor(monkeypatch):
    prompts = _typing(monkeypatch, PASSWORD, PASSWORD)
    call_command("create_editor", "maria", "--email", "maria@example.org", stdout=StringIO())
    assert prompts == ["Password: ", "Password (again): "]
    editor = get_user_model().objects.get(username="maria")
    assert editor.check_password(PASSWORD)
    assert editor.email == "maria@example.org"
    assert editor.is_staff and not editor.is_superuser


def test_two_different_passwords_create_nobody(monkeypatch):
    _typing(monkeypatch, PASSWORD, PASSWORD + "!")
    with pytest.raises(CommandError, match="The passwords differ"):
        call_command("create_editor", "maria", stdout=StringIO())
    assert not get_user_model().objects.filter(username="maria").exists()


def test_a_taken_name_is_refused_before_any_password_is_asked(monkeypatch, staff_user):
    prompts = _typing(monkeypatch)
    with pytest.raises(CommandError, match=f"An account named “{staff_user.username}”"):
        call_command("create_editor", staff_user.username, stdout=StringIO())
    assert prompts == []


def test_without_the_editors_group_it_says_to_migrate(monkeypatch):
    Group.objects.filter(name="Editors").delete()
    prompts = _typing(monkeypatch)
    with pytest.raises(CommandError, match="Editors group is missing: run manage.py migrate"):
        call_command("create_editor", "maria", stdout=StringIO())
    assert prompts == []
    assert not get_user_model().objects.filter(username="maria").exists()


def test_an_editor_made_by_the_command_edits_cohorts_and_cost_items_and_reads_link_checks(
    monkeypatch, client
):
    """The change page as an editor sees it: the cohort and cost item rows of issue #24 are
    there to fill in, not only for a superuser; link checks are read, never written."""
    _typing(monkeypatch, PASSWORD, PASSWORD)
    call_command("create_editor", "maria", stdout=StringIO())
    editor = get_user_model().objects.get(username="maria")
    for model in ("cohort", "costitem"):
        for action in ("add", "change", "delete", "view"):
            assert editor.has_perm(f"programs.{action}_{model}"), f"{action} {model}"
    assert editor.has_perm("programs.view_linkcheck")
    assert not editor.has_perm("programs.change_linkcheck")

"""Safe to put online (issue #12): headers and CSP on every public page, admin lockout, the
Editors group, errors logged, /healthz."""

import logging
import os
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from programs.models import Program
from tests.factories import StaffUserFactory
from tests.forms import browser_post
from tests.seed import ALL, HARVARD, JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


PUBLIC = [
    ("home", "/"),
    ("list", "/programs/"),
    ("list, filtered", "/programs/?role=clinicians&max_cost=3000"),
    *[(f"program {slug}", f"/programs/{slug}/") for slug in ALL],
    ("roles", "/roles/"),
    ("role", "/roles/clinicians/"),
    ("sources", "/sources/"),
    ("changes", "/changes/"),
    ("feed", "/changes/feed/"),
    ("compare, pick", "/compare/"),
    ("compare", f"/compare/?programs={HARVARD}&programs={JHU}"),
    ("compare, print", f"/compare/print/?programs={HARVARD}&programs={JHU}"),
    ("compare, csv", f"/compare/export.csv?programs={HARVARD}&programs={JHU}"),
    ("finder", "/finder/?role=clinicians&budget=2000"),
    ("health", "/healthz"),
    ("not-found", "/programs/no-such-program/"),
]


@pytest.mark.parametrize(("name", "path"), PUBLIC)
def test_every_public_page_sends_the_security_headers(client, catalog, name, path):
    response = client.get(path)
    assert response.status_code == (404 if name == "not-found" else 200)
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], directive  # no 'unsafe-inline'
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_hsts_for_a_year_over_https_subdomains_and_preload_only_when_asked(
    client, catalog, settings
):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/programs/", secure=True)  # middleware reads settings when built
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_admin_pages_send_the_policy_too(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert _csp(response)["script-src"] == ["'self'"]


def _wrong_login(client, username, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_pause_sign_in_from_that_address(db, settings):
    """The pauses in full (address, username, known addresses, no hashing): tests/test_signin.py."""
    editor = StaffUserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _wrong_login(client, editor.username).status_code == 200
    locked = _wrong_login(client, editor.username)
    assert locked.status_code == 429
    assert 'id="pause-address"' in locked.content.decode()
    # Even the right password is refused from that address while locked out...
    right = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert right.status_code == 429
    # ...but the editor can still sign in from elsewhere: an attacker cannot lock them out.
    elsewhere = Client().post(
        reverse("admin:login"),
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302


def test_the_lockout_ends_after_the_cool_off(db, settings):
    from axes.models import AccessAttempt

    editor = StaffUserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _wrong_login(client, editor.username)
    assert AccessAttempt.objects.filter(username=editor.username).exists()
    call_command("axes_reset_username", editor.username)  # what a superuser may do at once
    ok = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert ok.status_code == 302


def test_an_editor_signs_in_with_the_production_password_hasher(db, settings):
    """The suite stores fast hashes (certcatalog/test_settings.py); this sign-in uses
    production's hashers only: the password is stored as PBKDF2 at Django's iteration count,
    the right password signs in through the form and a wrong one does not."""
    from django.conf import global_settings
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    import certcatalog.settings as production

    settings.PASSWORD_HASHERS = getattr(
        production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS
    )
    assert not [h for h in settings.PASSWORD_HASHERS if "MD5" in h]
    editor = StaffUserFactory()
    assert editor.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")
    assert _wrong_login(Client(), editor.username).status_code == 200
    client = Client()
    right = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_suite_stores_fast_hashes_and_production_never_does(db):
    """The fast hasher is a test setting only."""
    from django.conf import global_settings
    from django.conf import settings as active

    import certcatalog.settings as production

    assert active.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"
    assert StaffUserFactory().password.startswith("md5$")
    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def _client_address(behind_proxy: bool) -> str:
    """The address axes locks out for a request with a forged-looking X-Forwarded-For."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.test import RequestFactory; "
        "from axes.helpers import get_client_ip_address; "
        "r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.1', "
        "HTTP_X_FORWARDED_FOR='1.1.1.1, 81.2.69.160'); print(get_client_ip_address(r))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "certcatalog.test_settings"}
    env["DJANGO_BEHIND_PROXY"] = "1" if behind_proxy else "0"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_the_client_address_is_read_from_the_proxy_only_when_there_is_one():
    assert _client_address(behind_proxy=True) == "81.2.69.160"  # what the proxy saw, not 1.1.1.1
    assert _client_address(behind_proxy=False) == "10.0.0.1"  # a client cannot forge it


def test_the_editors_group_edits_the_catalogue_but_not_accounts(db):
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("content_type__app_label", "codename"))
    for model in ("program", "provider", "module", "citation", "rolefit", "document", "role"):
        for action in ("add", "change", "delete", "view"):
            assert ("programs", f"{action}_{model}") in codenames
    assert ("programs", "view_historicalprogram") in codenames
    assert not {c for c in codenames if c[0] == "auth"}


@pytest.fixture
def editor(catalog, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a long editor passphrase 2026")
    call_command("create_editor", "maria", "--noinput", stdout=StringIO())
    return get_user_model().objects.get(username="maria")


def test_create_editor_makes_staff_in_the_editors_group_never_superuser(editor):
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert editor.check_password("a long editor passphrase 2026")


def test_create_editor_refuses_a_weak_password(catalog, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "weak", "--noinput", stdout=StringIO())


def test_an_editor_changes_programs_but_cannot_open_accounts(client, editor):
    client.force_login(editor)
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"price_amount": "3100", **cite_in_form(program, "price", "It costs $3,100.")}
    assert browser_post(client, url, "program_form", changes).status_code == 302
    assert Program.objects.get(slug=JHU).price_amount == 3100
    history = reverse("admin:programs_program_history", args=[program.pk])
    assert client.get(history).status_code == 200
    for name in ("auth_user_changelist", "auth_group_changelist", "auth_user_add"):
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name


def test_the_admin_address_is_set_by_the_environment():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certcatalog.test_settings",
        "DJANGO_ADMIN_URL": "editors-7f3a/",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "/editors-7f3a/"


class _Unreachable:
    class objects:  # noqa: N801 -- stands in for a model's manager
        @staticmethod
        def order_by(*args):
            raise DatabaseError("the database is unreachable")


def test_a_server_error_is_logged_with_its_traceback(client, catalog, monkeypatch, caplog):
    monkeypatch.setattr("programs.sources.Document", _Unreachable)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/sources/")
    assert response.status_code == 500
    assert "unreachable" not in response.content.decode()  # the page leaks nothing
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and "the database is unreachable" in str(record.exc_info[1])
    from django.conf import settings

    assert "stderr" in settings.LOGGING["loggers"]["django.request"]["handlers"]
    assert settings.LOGGING["handlers"]["stderr"]["stream"] == "ext://sys.stderr"


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "local"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    monkeypatch.setattr("certcatalog.health._database", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"


def test_healthz_stays_up_and_says_so_when_redis_is_unreachable(client, db, settings):
    """Redis is an accelerator (issue #22): nobody listening there is "cache": "down", not 503."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "down"}

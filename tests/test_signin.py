"""Editors' sign-in cannot be turned against editors (issue #22): an address is paused before any
password is hashed, a username attacked from many addresses is paused except where its editor
has signed in before, forwarded headers never 500, and an idle session ends (certcatalog/signin.py,
certcatalog/proxy.py). Every sign-in is the admin's login form posted back as rendered."""

import datetime
import logging

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import STAFF_PASSWORD
from tests.factories import StaffUserFactory
from tests.forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # where nginx connects from
OFFICE = "192.0.2.10"  # the editor's own address, where they have signed in before


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting every password it hashes: for a new hash, and for a
    check (its `verify` hashes the password again to compare)."""

    calls: list[str] = []

    def encode(self, password, salt):
        self.calls.append(password)
        return super().encode(password, salt)


@pytest.fixture
def hashed(settings):
    """The passwords hashed or checked since the test started (after the editor is created)."""
    settings.PASSWORD_HASHERS = ["tests.test_signin.CountingHasher"]
    CountingHasher.calls = []
    return CountingHasher.calls


@pytest.fixture
def editor(hashed):
    user = StaffUserFactory(username="maria", is_superuser=False)
    hashed.clear()
    return user


def _sign_in(client, username, password="wrong", *, remote=PROXY, forwarded=None):
    """GET the admin's login page, post its form back with these credentials."""
    url = reverse("admin:login")
    page = client.get(url)
    data = as_post_data(
        form_fields(page.content.decode(), "login-form"),
        {"username": username, "password": password},
    )
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(url, data, **meta)


def _paused(response, scope: str) -> str:
    """The lockout page's message for this pause (address or username)."""
    assert response.status_code == 429, response.status_code
    from bs4 import BeautifulSoup

    note = BeautifulSoup(response.content, "html.parser").find(id=f"pause-{scope}")
    assert note is not None, f"no {scope} pause on the page"
    return " ".join(note.get_text().split())


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def _travel(monkeypatch, delta: datetime.timedelta):
    """Move the clock the sessions, axes and the database's timestamps read to `delta` from
    the real time."""
    later = datetime.datetime.now(datetime.UTC) + delta
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: later)


def _sign_in_once_from(address, editor, settings):
    """The editor's earlier successful sign-in from `address` (axes logs it), then sign-out."""
    settings.BEHIND_PROXY = True
    client = Client()
    assert _signed_in(_sign_in(client, editor.username, STAFF_PASSWORD, forwarded=address))
    client.post(reverse("admin:logout"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


# -- The address pause ----------------------------------------------------------------------------


def test_an_address_is_paused_after_its_failures_for_any_usernames_without_hashing(
    editor, hashed, settings
):
    """Unknown usernames cost a hash too (Django hashes to hide which exist): once the address
    is paused, neither they nor the right password reach the hasher."""
    settings.BEHIND_PROXY = False
    attacker = "203.0.113.7"
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        assert _sign_in(Client(), f"nobody-{n}", remote=attacker).status_code == 200
    message = _paused(_sign_in(Client(), "nobody-last", remote=attacker), "address")
    assert f"paused for 15 minutes, for every account: {limit} sign-ins" in message
    assert len(hashed) == limit

    for n in range(5):
        _paused(_sign_in(Client(), f"someone-{n}", remote=attacker), "address")
    _paused(_sign_in(Client(), editor.username, STAFF_PASSWORD, remote=attacker), "address")
    assert len(hashed) == limit, "a paused address reached the password hasher"

    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, remote="198.51.100.20"))


def test_the_address_pause_ends_after_its_cool_off(editor, settings, monkeypatch):
    settings.BEHIND_PROXY = False
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(Client(), editor.username, remote=OFFICE)
    _paused(last, "address")
    _travel(monkeypatch, settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, remote=OFFICE))


def test_without_the_proxy_setting_a_client_cannot_forge_its_way_out_of_the_pause(editor, settings):
    """Clients connect directly (no DJANGO_BEHIND_PROXY): a forged X-Forwarded-For, a new one
    each time, is ignored and every failure counts against the connection's address."""
    settings.BEHIND_PROXY = False
    attacker = "203.0.113.7"
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(Client(), "nobody", remote=attacker, forwarded=f"198.51.100.{n}")
    _paused(last, "address")
    _paused(_sign_in(Client(), "nobody", remote=attacker, forwarded="198.51.100.200"), "address")


def test_behind_nginx_without_the_proxy_setting_every_client_shares_one_pause(
    editor, settings, caplog
):
    """What README warns of: behind nginx without DJANGO_BEHIND_PROXY every client connects from
    127.0.0.1, so failures from anyone pause the editor too; the log says why."""
    settings.BEHIND_PROXY = False
    with caplog.at_level(logging.WARNING, logger="certcatalog.proxy"):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(Client(), f"nobody-{n}", forwarded=f"198.51.100.{n}")
    assert "DJANGO_BEHIND_PROXY is not set" in caplog.text
    right = _sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded=OFFICE)
    _paused(right, "address")


def test_behind_the_proxy_each_forwarded_address_is_paused_on_its_own(editor, settings):
    """With DJANGO_BEHIND_PROXY, nginx's own entry (the last) is the client: an attacker's
    failures pause only the attacker's address, and forging earlier entries changes nothing."""
    settings.BEHIND_PROXY = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(Client(), editor.username, forwarded=f"10.9.9.{n}, 203.0.113.7")
    _paused(last, "address")
    _paused(_sign_in(Client(), "nobody", forwarded="10.9.9.99, 203.0.113.7"), "address")
    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded=OFFICE))


def test_an_ipv6_client_is_counted_by_its_network(editor, settings):
    """Rotating through one /64's addresses (free for any IPv6 host) does not escape the pause."""
    settings.BEHIND_PROXY = False
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(Client(), "nobody", remote=f"2001:db8:7:7::{n + 1:x}")
    _paused(last, "address")
    _paused(_sign_in(Client(), "nobody", remote="2001:db8:7:7:abcd::1"), "address")
    assert _sign_in(Client(), "nobody", remote="2001:db8:7:8::1").status_code == 200


# -- The username pause ---------------------------------------------------------------------------


def _attack(username, settings, *, addresses: int, failures: int):
    """`failures` wrong passwords for `username` behind the proxy, spread over `addresses`
    addresses (each below its own address limit); the last response."""
    settings.BEHIND_PROXY = True
    for n in range(failures):
        last = _sign_in(Client(), username, forwarded=f"198.51.100.{n % addresses + 1}")
    return last


def test_a_username_attacked_from_many_addresses_is_paused_elsewhere_without_hashing(
    editor, hashed, settings
):
    _sign_in_once_from(OFFICE, editor, settings)
    hashed.clear()
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    attacked = _attack(editor.username, settings, addresses=limit, failures=limit)
    message = _paused(attacked, "username")
    assert "paused for 1 hour from addresses it has never signed in from" in message
    assert f"{limit} or more wrong passwords from 3 or more addresses" in message
    assert len(hashed) == limit

    fresh = _sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded="198.51.100.250")
    _paused(fresh, "username")
    assert len(hashed) == limit, "a paused username reached the password hasher"


def test_the_editor_signs_in_from_a_known_address_while_their_username_is_attacked(
    editor, settings
):
    _sign_in_once_from(OFFICE, editor, settings)
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    _paused(_attack(editor.username, settings, addresses=5, failures=limit + 5), "username")
    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded=OFFICE))


def test_a_known_address_is_still_paused_by_its_own_failures(editor, settings):
    _sign_in_once_from(OFFICE, editor, settings)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = _sign_in(Client(), editor.username, forwarded=OFFICE)
    _paused(last, "address")


def test_failures_from_fewer_addresses_do_not_pause_the_username(editor, settings):
    """Two addresses reach the username's count but not its spread: only they are paused."""
    settings.SIGNIN_USERNAME_FAILURE_LIMIT = 2 * settings.AXES_FAILURE_LIMIT
    failures = 2 * settings.AXES_FAILURE_LIMIT
    _paused(_attack(editor.username, settings, addresses=2, failures=failures), "address")
    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded="192.0.2.77"))


def test_the_username_pause_ends_after_its_longer_cool_off(editor, settings, monkeypatch):
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    _paused(_attack(editor.username, settings, addresses=limit, failures=limit), "username")
    _travel(monkeypatch, settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
    _paused(_sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded="192.0.2.77"), "username")
    _travel(monkeypatch, settings.SIGNIN_USERNAME_COOLOFF + datetime.timedelta(minutes=1))
    assert _signed_in(_sign_in(Client(), editor.username, STAFF_PASSWORD, forwarded="192.0.2.78"))


# -- Forwarded headers never answer 500 -----------------------------------------------------------

MALFORMED_FORWARDED_FOR = [
    "not-an-ip",
    "",
    " , , ",
    "203.0.113.9,",
    "203.0.113.9, not-an-ip",
    "1.2.3.4\x00",
    "\x00",
    "[2001:db8::1]:443",
    "2001:db8::1:443:1:2:3:4:5",
    "203.0.113.9:8080",
    "fe80::1%eth0",
    "01.2.3.4",
    "999.1.1.1",
    "unknown",
    "1.1.1.1, " * 2000,
    "x" * 20_000,
]


@pytest.mark.parametrize("behind_proxy", [True, False])
@pytest.mark.parametrize("forwarded", MALFORMED_FORWARDED_FOR)
def test_a_malformed_forwarded_for_on_the_login_post_counts_against_the_connection(
    editor, settings, forwarded, behind_proxy
):
    from axes.models import AccessAttempt

    settings.BEHIND_PROXY = behind_proxy
    response = _sign_in(Client(), editor.username, remote="198.51.100.5", forwarded=forwarded)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.5"]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FORWARDED_PROTO": "https, http"},
        {"HTTP_X_FORWARDED_PROTO": "\x00"},
        {"HTTP_X_FORWARDED_PROTO": "h" * 20_000},
        {"HTTP_X_FORWARDED_PROTO": ""},
        {"HTTP_X_FORWARDED_HOST": "evil.example.com"},
        {"HTTP_X_FORWARDED_HOST": "\x00:99999"},
        {"HTTP_X_FORWARDED_HOST": "[::1"},
        {"HTTP_X_FORWARDED_PORT": "not-a-port"},
    ],
)
def test_malformed_forwarded_proto_and_host_never_answer_500(editor, settings, headers):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(**headers)
    page = client.get(reverse("admin:login"), REMOTE_ADDR=PROXY)
    assert page.status_code == 200
    assert _sign_in(client, editor.username, STAFF_PASSWORD, forwarded=OFFICE).status_code == 302


@pytest.mark.parametrize("host", ["evil.example.com", "[::1", "a" * 300, "\x00", "127.0.0.1:x"])
def test_a_bad_host_header_is_a_400_not_a_500(db, host):
    assert Client().post(reverse("admin:login"), {}, HTTP_HOST=host).status_code == 400


# -- Sessions end when idle ------------------------------------------------------------------------


def test_an_editor_session_ends_after_the_idle_limit_and_activity_keeps_it(
    editor, settings, monkeypatch
):
    """Each request restarts the idle clock (SESSION_SAVE_EVERY_REQUEST): 14 hours of work
    in 7-hour steps keep the session; then 8 idle hours end it."""
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == datetime.timedelta(hours=8)
    client = Client()
    assert _signed_in(_sign_in(client, editor.username, STAFF_PASSWORD, remote=OFFICE))
    step = datetime.timedelta(hours=7)
    _travel(monkeypatch, step)
    assert client.get("/admin/").status_code == 200
    _travel(monkeypatch, 2 * step)
    assert client.get("/admin/").status_code == 200
    _travel(monkeypatch, 2 * step + idle + datetime.timedelta(minutes=1))
    gone = client.get("/admin/")
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("admin:login"))


def test_the_idle_limit_is_set_by_the_environment():
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "certcatalog.test_settings"}
    env["DJANGO_SESSION_IDLE_HOURS"] = "2"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7200", "True"]


def test_anonymous_public_pages_make_no_session_and_come_from_the_cache(
    client, catalog, django_assert_num_queries
):
    """Saving the session on every request must not give readers one: no cookie, no row, and the
    second view is the cached page (one query, the catalogue version)."""
    first = client.get("/programs/")
    assert first.status_code == 200
    assert settings_cookie(first) is None
    with django_assert_num_queries(1):
        again = client.get("/programs/")
    assert again.status_code == 200 and settings_cookie(again) is None
    assert not Session.objects.exists()


def settings_cookie(response):
    from django.conf import settings

    return response.cookies.get(settings.SESSION_COOKIE_NAME)

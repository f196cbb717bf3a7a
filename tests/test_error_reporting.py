"""Errors reach people and a database outage is a 503 page (issue #22)."""

import logging

import pytest
from django.core import mail
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _told_nothing_yet():
    """The once-a-minute filters remember earlier tests' errors: each test starts afresh."""
    from certcatalog.logs import OncePerInterval

    loggers = [logging.getLogger(name) for name in ("django.request", "certcatalog.cache")]
    for logger in loggers:
        for owner in [logger, *logger.handlers]:
            for found in owner.filters:
                if isinstance(found, OncePerInterval):
                    found.reset()


class _DatabaseAway:
    """Stands in for the catalogue-version query when PostgreSQL is unreachable."""

    def __call__(self, request):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.mark.parametrize("url", ["/", "/programs/", "/programs/harvard-ai-in-health-care/"])
def test_an_unreachable_database_is_a_503_page_saying_try_again(client, monkeypatch, url):
    monkeypatch.setattr("programs.caching._state", _DatabaseAway())
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert "try again in a minute" in body
    assert "5432" not in body  # the reason stays in the log


def test_other_errors_stay_a_500(client, monkeypatch):
    def broken(request):
        raise ValueError("a bug")

    monkeypatch.setattr("programs.caching._state", broken)
    client.raise_request_exception = False
    response = client.get("/programs/")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_server_errors_are_mailed_to_admins_once_a_minute(client, monkeypatch, settings):
    settings.ADMINS = ["ops@example.org"]
    monkeypatch.setattr("programs.caching._state", _DatabaseAway())
    client.raise_request_exception = False
    for _ in range(20):
        assert client.get("/programs/").status_code == 503
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert "OperationalError" in mail.outbox[0].body  # the first mail keeps its traceback


def test_the_mail_settings_come_from_the_environment(monkeypatch):
    import importlib

    from certcatalog import settings as production

    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_PORT", "587")
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    monkeypatch.setenv("EMAIL_HOST_USER", "certcatalog")
    try:
        options = importlib.reload(production).MAILERS["default"]["OPTIONS"]
    finally:
        monkeypatch.undo()
        importlib.reload(production)
    assert options["host"] == "smtp.example.org"
    assert options["port"] == 587
    assert options["use_tls"] is True
    assert options["username"] == "certcatalog"


def test_a_bad_host_header_is_one_warning_line_without_a_traceback(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.DEBUG, logger="django.security.DisallowedHost"):
        response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert "evil.example.com" in record.getMessage()


def test_allowed_hosts_star_is_refused_in_production(monkeypatch):
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": "x" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
        "DJANGO_ALLOWED_HOSTS": "*",
        "DJANGO_SETTINGS_MODULE": "certcatalog.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS may not be '*'" in result.stderr


def test_hsts_preload_and_subdomains_are_opt_in():
    from certcatalog import settings as production

    assert production.SECURE_HSTS_PRELOAD is False
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is False

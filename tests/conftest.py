import os
from io import StringIO

import pytest
from django.core.management import call_command

from tests import profiles
from tests.factories import StaffUserFactory

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files unhashed in tests, so no collectstatic run is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages (the database version restarts with each test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalog(db):
    """The real catalogue from fixtures/catalog.json, loaded as `make run` loads it."""
    call_command("seed_catalog", stdout=StringIO())


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def pytest_report_header(config):
    from django.conf import settings

    return [
        f"database: {settings.DATABASES['default']['ENGINE']} (CI={os.environ.get('CI', '')})",
        profiles.describe(),
    ]


def pytest_sessionstart(session):
    """Fail fast when CI asked for one database and got another."""
    expected = os.environ.get("EXPECT_DATABASE")
    if expected:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if expected not in engine:
            raise pytest.UsageError(f"EXPECT_DATABASE={expected} but the engine is {engine}")


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may skip silently: a skipped test (no browser, no database) fails the run."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; failing the run.", red=True)
        for report in skipped:
            reporter.write_line(f"  skipped: {report.nodeid} {report.longrepr}", red=True)
        session.exitstatus = 1

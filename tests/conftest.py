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


@pytest.fixture
def unchecked_support():
    """For tests of totals, counts and history on synthetic programs, which have no source
    sentences: their writes skip the support check (programs/support.py), as factories do."""
    from programs import support

    with support.unchecked():
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages (the database version restarts with each test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_prepared_exports(settings, tmp_path):
    """Each test prepares its own full-catalogue downloads (programs/prepared.py): files on disk
    outlive a test's rolled-back writes, as cached pages would without _empty_page_cache."""
    settings.PREPARED_EXPORTS_DIR = tmp_path / "prepared"


class _SharedSeed:
    """The seed catalogue, loaded once for the tests of a module that ask for it (issue #19).

    Loading fixtures/catalog.json takes about a quarter of a second and some 600 tests ask for
    it. The first test of a module that asks loads it inside an outer transaction; each test then
    runs in its own savepoint inside it, as pytest-django nests them, so whatever a test writes is
    rolled back and the next test sees the seed exactly as loaded. Tests that ask for the
    catalogue run last in their module (pytest_collection_modifyitems below), and the outer
    transaction is rolled back before any test that did not ask, so none sees it.
    """

    def __init__(self) -> None:
        self._atomic = None
        self._blocker = None

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self, blocker) -> None:
        from django.db import transaction

        self._blocker = blocker
        with blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            call_command("seed_catalog", stdout=StringIO())

    def close(self) -> None:
        if not self.is_open:
            return
        from django.db import transaction

        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = None


_SHARED_SEED = _SharedSeed()


def _reads_the_shared_seed(item: pytest.Item) -> bool:
    return "catalog" in getattr(item, "fixturenames", ())


def _commits(item: pytest.Item) -> bool:
    """A test whose writes are committed (a live server's, a flush's): pytest-django runs it in
    a TransactionTestCase, so it cannot read a seed held in an open transaction."""
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    )


@pytest.fixture(scope="module")
def _module_catalog(django_db_setup, django_db_blocker):
    _SHARED_SEED.open(django_db_blocker)
    yield
    _SHARED_SEED.close()


@pytest.fixture
def catalog(_module_catalog, db):
    """The real catalogue from fixtures/catalog.json, loaded as `make run` loads it: once per
    module (_SharedSeed); a test's writes are rolled back at its end."""
    if not _SHARED_SEED.is_open:  # the module's seed was rolled back early: load this test's own
        call_command("seed_catalog", stdout=StringIO())


@pytest.fixture
def committed_catalog(transactional_db):
    """The seed catalogue, committed, for tests whose writes commit (a live server's, a restore's):
    loaded per test, and flushed after it."""
    call_command("seed_catalog", stdout=StringIO())


@pytest.fixture(autouse=True)
def _no_test_sees_a_seed_it_did_not_ask_for(request):
    if _SHARED_SEED.is_open and not _reads_the_shared_seed(request.node):
        pytest.fail(f"the shared seed catalogue is still loaded for {request.node.nodeid}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each run of one module's tests (after pytest-django's order: TestCase-like tests,
    then transactional ones, then the rest), those reading the shared seed go last."""
    for item in items:
        if _reads_the_shared_seed(item) and _commits(item):
            raise pytest.UsageError(
                f"{item.nodeid} commits its writes: it takes committed_catalog, not catalog"
            )
    ordered, start = [], 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].module is not items[start].module:
            ordered += sorted(items[start:end], key=_reads_the_shared_seed)
            start = end
    items[:] = ordered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the shared seed back as soon as the next test of the same module does not read it
    (the module's end rolls it back otherwise), after this test's own transaction ended."""
    try:
        return (yield)
    finally:
        if nextitem is not None and not _reads_the_shared_seed(nextitem):
            _SHARED_SEED.close()


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

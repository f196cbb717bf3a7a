"""The cache is an accelerator, never a dependency (issue #22), against a real Redis.

Each test gets its own throwaway `redis-server` on a free loopback port (never the shared one on
6379), pointed at by the production cache settings (django-redis, IGNORE_EXCEPTIONS), and then
kills it, fills it or floods it as an attacker or an outage would.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse

from certcatalog import settings as production
from tests.test_error_reporting import _told_nothing_yet  # noqa: F401 -- a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_told_nothing_yet")]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, **config: str) -> None:
        self.port = _free_port()
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no"]
        for name, value in config.items():
            args += [f"--{name}", value]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        self.client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the throwaway redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def page_keys(self) -> list[bytes]:
        return self.client.keys(f"{production.CACHE_KEY_PREFIX}:*page:*")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


@pytest.fixture
def real_redis(settings):
    """The production cache configuration, on a redis-server of this test's own."""
    if not shutil.which("redis-server") and not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = ThrowawayRedis(maxmemory="64mb", **{"maxmemory-policy": "allkeys-lru"})
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {**production.CACHES["default"], **_redis_cache(server.url)},
    }
    yield server
    server.stop()


def _redis_cache(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": production.CACHE_KEY_PREFIX,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
        },
    }


def test_the_production_cache_ignores_redis_failures():
    """What the tests below rely on is what production runs with REDIS_URL set."""
    import importlib
    import os

    os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        configured = importlib.reload(production).CACHES["default"]
    finally:
        del os.environ["REDIS_URL"]
        importlib.reload(production)
    assert configured["BACKEND"] == "django_redis.cache.RedisCache"
    assert configured["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert configured["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.5
    assert configured["KEY_PREFIX"] == "certcatalog"


def test_pages_are_cached_in_redis_while_it_answers(client, catalog, real_redis):
    assert client.get("/programs/").status_code == 200
    assert len(real_redis.page_keys()) == 1
    assert client.get("/healthz").json()["cache"] == "ok"


def test_redis_killed_pages_come_from_the_database_and_health_stays_up(
    client, catalog, real_redis, caplog
):
    client.get("/programs/")  # cached while Redis answered
    real_redis.kill()
    pages = ["/", "/programs/", "/programs/harvard-ai-in-health-care/", "/roles/", "/sources/"]
    with caplog.at_level(logging.WARNING, logger="certcatalog.cache"):
        for _ in range(5):
            for url in pages:
                response = client.get(url)
                assert response.status_code == 200, url
    harvard = client.get("/programs/harvard-ai-in-health-care/").content.decode()
    assert "Harvard" in harvard
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "down"}
    # 25 requests, each a failed get and set: told once (per process and minute), one line.
    told = [r for r in caplog.records if r.name == "certcatalog.cache"]
    assert len(told) == 1
    assert told[0].getMessage().startswith("The cache failed; pages are built from the database")
    assert told[0].exc_info is None


def test_redis_full_with_noeviction_still_serves_every_page(client, catalog, settings):
    server = ThrowawayRedis(maxmemory="1mb", **{"maxmemory-policy": "noeviction"})
    try:
        settings.REDIS_URL = server.url
        settings.CACHES = {"default": _redis_cache(server.url)}
        filler = "x" * 10_000
        try:
            for i in range(1000):
                server.client.set(f"filler:{i}", filler)
        except redis.exceptions.OutOfMemoryError:
            pass
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            server.client.set("one-more", filler)
        for url in ["/", "/programs/", "/programs/?role=clinicians", "/compare/", "/finder/"]:
            assert client.get(url).status_code == 200, url
        health = client.get("/healthz")
        assert health.status_code == 200  # whether the health check's tiny write fits or not
        assert health.json()["status"] == "ok"
    finally:
        server.stop()


def test_a_thousand_junk_query_strings_add_no_cache_entries(
    client, catalog, real_redis, django_assert_num_queries
):
    canonical = client.get("/programs/").content
    before = len(real_redis.page_keys())
    for i in range(1000):
        response = client.get(f"/programs/?junk={i}&utm_source=x{i}")
        assert response.status_code == 200
    assert len(real_redis.page_keys()) == before == 1
    with django_assert_num_queries(1):  # the version only: served as the canonical page
        assert client.get("/programs/?junk=1001").content == canonical
    # A junk parameter beside real filters keeps the filters: the reader's page, canonically.
    filtered = client.get("/programs/?role=clinicians&utm_source=newsletter").content.decode()
    assert 'rel="canonical" href="http://testserver/programs/?role=clinicians"' in filtered
    assert "utm_source" not in filtered
    assert len(real_redis.page_keys()) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/?x=1",
        "/programs/harvard-ai-in-health-care/?x=1",
        "/roles/?x=1",
        "/roles/clinicians/?x=1&page=1",
        "/sources/?x=1",
        "/changes/?x=1",
        "/compare/?programs=harvard-ai-in-health-care&x=1",
        "/finder/?role=clinicians&x=1",
        "/changes/feed/?x=1",
        "/sitemap.xml?x=1",
        "/programs/export.csv?x=1",
    ],
)
def test_every_public_page_serves_unknown_parameters_as_its_canonical_page(client, catalog, url):
    canonical = url.replace("?x=1&", "?").replace("&x=1", "").replace("?x=1", "")
    assert _body(client.get(url)) == _body(client.get(canonical))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_local_memory_cache_is_bounded():
    local = production.CACHES["default"]
    assert local["BACKEND"].endswith("LocMemCache")
    assert local["OPTIONS"]["MAX_ENTRIES"] == 1000


def _messages_cookie(*texts: str) -> str:
    """A `messages` cookie as Django's own cookie storage writes it (signed)."""
    storage = CookieStorage(HttpRequest())
    for text in texts:
        storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value


def test_a_forged_messages_cookie_does_not_bypass_the_page_cache(
    client, catalog, django_assert_num_queries
):
    client.get("/programs/")
    client.cookies["messages"] = "anything-at-all"
    with django_assert_num_queries(1):  # the catalogue version: the page itself from the cache
        response = client.get("/programs/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"


def test_a_real_flash_message_is_shown_on_a_fresh_uncached_page(client, catalog):
    client.get("/programs/")
    client.cookies["messages"] = _messages_cookie("Your change was saved.")
    response = client.get("/programs/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Your change was saved." in response.content.decode()


def test_a_restore_clears_only_this_sites_keys(client, catalog, real_redis):
    """What restore_catalog runs after loading (clear_site_cache): this site's cached pages go,
    another site's keys in the same Redis stay (Django's cache.clear() would FLUSHDB)."""
    from programs.management.commands.restore_catalog import clear_site_cache

    client.get("/programs/")
    real_redis.client.set("another-site:session", "keep me")
    assert real_redis.page_keys()
    clear_site_cache()
    assert real_redis.page_keys() == []
    assert real_redis.client.get("another-site:session") == b"keep me"


def test_any_cache_error_is_a_miss_not_a_500(client, catalog, monkeypatch):
    """What django-redis does not classify as a connection error (a reply cut mid-value that
    will not unpickle, say) still only costs the cache."""
    import pickle

    def broken(*args, **kwargs):
        raise pickle.UnpicklingError("pickle data was truncated")

    monkeypatch.setattr("programs.caching.cache.get", broken)
    monkeypatch.setattr("programs.caching.cache.set", broken)
    response = client.get("/programs/")
    assert response.status_code == 200
    assert "Harvard" in response.content.decode()

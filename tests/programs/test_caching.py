"""Cached public pages that never show a stale fact; conditional GET; Redis when configured."""

import hashlib
import shutil

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import caching
from programs.models import CatalogueVersion, Document, Program
from tests.forms import browser_post
from tests.seed import JHU
from tests.sourcing import cite_in_form
from tests.test_cache_failures import REDIS_SERVER, ThrowawayRedis

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/programs/",
    f"/programs/{JHU}/",
    "/roles/",
    "/roles/clinicians/",
    "/sources/",
    "/changes/",
    "/changes/feed/",
    "/finder/?cme=on",
    f"/compare/?programs={JHU}&programs=harvard-ai-in-health-care",
    f"/compare/print/?programs={JHU}&programs=harvard-ai-in-health-care",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_carry_validators_and_a_cdn_friendly_cache_control(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"].startswith('"v')
    assert response["Last-Modified"].endswith("GMT")


@pytest.mark.parametrize("path", PUBLIC)
def test_a_current_copy_gets_304_with_one_query(client, catalog, path, django_assert_num_queries):
    etag = client.get(path)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_second_request_is_served_from_the_cache(client, catalog, django_assert_num_queries):
    first = client.get(f"/programs/{JHU}/")
    with django_assert_num_queries(1):  # the catalogue version only
        second = client.get(f"/programs/{JHU}/")
    assert second.content == first.content


def test_an_admin_edit_is_on_the_very_next_request(staff_client, catalog):
    client = Client()  # a reader, apart from the editor's session
    page = f"/programs/{JHU}/"
    etag = client.get(page)["ETag"]
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"price_amount": "3150", **cite_in_form(program, "price", "It costs $3,150.")}
    assert browser_post(staff_client, url, "program_form", changes).status_code == 302
    fresh = client.get(page, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "$3,150" in fresh.content.decode()
    assert fresh["ETag"] != etag


def test_loaddata_and_deletes_make_cached_pages_stale(client, catalog):
    before = CatalogueVersion.objects.get().version
    client.get("/programs/")
    Program.objects.get(slug=JHU).delete()
    assert CatalogueVersion.objects.get().version > before
    assert "AI in Healthcare Certificate Program" not in client.get("/programs/").content.decode()
    call_command("loaddata", "catalog", verbosity=0)
    assert "AI in Healthcare Certificate Program" in client.get("/programs/").content.decode()


def test_an_editor_s_pages_are_private_and_admin_is_never_public(staff_client, catalog):
    assert staff_client.get("/programs/")["Cache-Control"] == "private, no-cache"
    admin = staff_client.get(reverse("admin:programs_program_changelist"))
    assert "public" not in admin["Cache-Control"]
    assert "private" in admin["Cache-Control"]


def test_redis_is_the_shared_cache_when_configured(client, catalog, settings):
    """REDIS_URL selects Django's Redis backend; pages are stored there and invalidated. On a
    redis-server of this test's own: the machine's shared Redis is never cleared or filled."""
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = ThrowawayRedis()
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
            }
        }
        cache.set("certcatalog-ping", "pong", 5)
        assert cache.get("certcatalog-ping") == "pong"
        path = f"/programs/{JHU}/"
        old = client.get(path)
        version = CatalogueVersion.objects.get().version
        assert cache.get(_key(version, path)) is not None, "the page is stored in Redis"
        Program.objects.filter(slug=JHU).update(price_amount=3333)  # no signal: bump by hand
        caching.bump()
        new = client.get(path)
        assert "$3,333" in new.content.decode() and old["ETag"] != new["ETag"]
    finally:
        cache.close()
        server.stop()


def _key(version: int, path: str) -> str:
    """The cache key of a page: the version and the page's absolute address (host included)."""
    url = f"http://testserver{path}"
    day = timezone.localdate().strftime("%Y%m%d")  # pages say which cohort starts next
    return f"page:{version}:{day}:{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def _footer(client):
    return BeautifulSoup(client.get("/programs/").content, "html.parser").find("footer")


def test_the_footer_is_stored_with_the_version_and_follows_every_edit(staff_client, catalog):
    """The footer's sources and date come with the catalogue version (no query of their own);
    an editor's change to a source or a check date shows on the very next page."""
    reader = Client()
    footer = _footer(reader)
    assert "25 November 2026" not in footer.get_text()
    document = Document.objects.get(pk=1)
    url = reverse("admin:programs_document_change", args=[document.pk])
    response = browser_post(staff_client, url, "document_form", {"title": "Renamed guide"})
    assert response.status_code == 302
    footer = _footer(reader)
    titles = [a.get_text() for a in footer.select(".site-footer__sources a")]
    assert titles[0] == "Renamed guide"

    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = browser_post(staff_client, url, "program_form", {"last_verified": "2026-11-25"})
    assert response.status_code == 302
    checked = _footer(reader).find("time")
    assert checked["datetime"] == "2026-11-25" and checked.get_text() == "25 November 2026"

"""Public pages cached per catalogue version, with ETag and Last-Modified (issue #11).

Every catalogue write bumps `CatalogueVersion` (programs/signals.py); the version is read once
per request (one query) and is part of every cache key and ETag, so a write makes every cached
page and every client's copy stale at once, on every app server.
"""

import datetime
import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from functools import partial, wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from programs.models import CatalogueVersion, footer_facts

cache_logger = logging.getLogger("certcatalog.cache")
"""Cache failures, told once a minute per process (settings LOGGING, certcatalog.logs)."""

PAGE_TIMEOUT = 60 * 60
"""Cached pages expire after an hour even if nothing changes (they are keyed by version)."""


_batch = threading.local()


@contextmanager
def one_bump():
    """Writes inside bump the version once, at the end, instead of once per row (bulk loads:
    a restore, a large import)."""
    _batch.active = True
    try:
        yield
    finally:
        _batch.active = False
    bump()


def bump() -> None:
    """Record a catalogue write: every page cached or sent before it is now stale."""
    if getattr(_batch, "active", False):
        return
    footer = footer_facts()
    updated = CatalogueVersion.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now(), footer=footer
    )
    if not updated:
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"footer": footer})


_STATE_SQL = "SELECT version, changed_at, footer FROM {table} WHERE id = 1"


def _state(request) -> tuple[int, datetime.datetime, str | dict | None]:
    """The catalogue version, when it changed, and its footer: one query per request.

    Every cached page pays for this query, so it is one fixed statement rather than an ORM
    query compiled per request (a third of a warm page's time in profiles)."""
    if not hasattr(request, "_catalogue_state"):
        with connection.cursor() as cursor:
            cursor.execute(_STATE_SQL.format(table=CatalogueVersion._meta.db_table))
            row = cursor.fetchone()
        if row is None:
            request._catalogue_state = (0, timezone.now(), None)
        else:
            version, changed_at, footer = row
            if isinstance(changed_at, str):  # SQLite stores datetimes as UTC text
                changed_at = datetime.datetime.fromisoformat(changed_at).replace(
                    tzinfo=datetime.UTC
                )
            request._catalogue_state = (version, changed_at, footer)
    return request._catalogue_state


def footer(request) -> dict:
    """The footer facts stored with this version (computed here only for a database that has
    had no catalogue write since the footer was added)."""
    if not hasattr(request, "_catalogue_footer"):
        stored = _state(request)[2]
        if stored is None:
            request._catalogue_footer = footer_facts()
        else:
            request._catalogue_footer = json.loads(stored) if isinstance(stored, str) else stored
    return request._catalogue_footer


def dated(changed_at: datetime.datetime) -> tuple[datetime.datetime, datetime.date]:
    """When a page last changed, and the day it is built for. A page says which cohort starts
    next (issue #24), so it changes at midnight too, without any write: the day is part of
    every cache key and ETag, and Last-Modified is never earlier than today's midnight."""
    if timezone.is_naive(changed_at):  # the database's UTC, without its zone
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(changed_at, midnight), now.date()


def _path_hash(request) -> str:
    """The page's address, host included: pages carry absolute links (canonical, sitemap)."""
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:16]


def _client_is_current(request, etag: str, changed_at) -> bool:
    """The client's copy is this version (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and int(changed_at.timestamp()) <= since


def _personal(request) -> bool:
    """Pages for a signed-in editor or with a flash message waiting are never shared. A cookie
    merely named `messages` (forged, or emptied) does not count: the messages must decode."""
    if "messages" in request.COOKIES and len(get_messages(request)):
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def _cache_get(key: str):
    """A cached page, or None. django-redis ignores connection, timeout and Redis errors; this
    also treats anything else a dying Redis can cause (a reply cut mid-value that will not
    unpickle, a reset socket) as a miss: the page is built from the database (issue #22)."""
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 -- the cache must never turn a page into a 500
        cache_logger.error("The cache failed; pages are built from the database meanwhile: %r", exc)
        return None


def _cache_set(key: str, response) -> None:
    try:
        cache.set(key, response, PAGE_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 -- see _cache_get
        cache_logger.error("The cache failed; pages are built from the database meanwhile: %r", exc)


def _drop_unknown_parameters(request, known: frozenset[str]) -> None:
    """Serve a query string with parameters the page does not read (tracking tags, junk) as the
    page without them: the view sees only the known ones, so the page, its links and its cache
    key are the canonical page's, and junk parameters can never fill the cache with copies."""
    if all(name in known for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in known:
            kept.setlist(name, values)
    kept._mutable = False
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def public_page(view=None, *, params: Iterable[str] = ()):
    """Serve a public page from the cache for this catalogue version, or build and store it;
    answer 304 Not Modified when the client already has this version.

    `params` names the query parameters the page reads; any other parameter is dropped before
    the view runs (`_drop_unknown_parameters`), so the cache holds only canonical addresses.
    Use as `@public_page` (no parameters) or `@public_page(params=[...])`."""
    if view is None:
        return partial(public_page, params=params)
    known = frozenset(params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            _drop_unknown_parameters(request, known)
        if request.method not in ("GET", "HEAD") or _personal(request):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "private, no-cache"
            return response
        version, changed_at, _ = _state(request)
        changed_at, today = dated(changed_at)
        path = _path_hash(request)
        etag = quote_etag(f"v{version}-{today:%Y%m%d}-{path}")
        if _client_is_current(request, etag, changed_at):
            response = HttpResponseNotModified()
        else:
            key = f"page:{version}:{today:%Y%m%d}:{path}"
            response = _cache_get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    _cache_set(key, response)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(changed_at.timestamp())
        # A CDN or browser may store the page but must revalidate it: never a stale fact.
        response["Cache-Control"] = "public, no-cache"
        return response

    return wrapper

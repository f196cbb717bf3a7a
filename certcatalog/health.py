"""/healthz for load balancers: 200 while the database answers, whatever the cache does.

The cache (Redis) is an accelerator (issue #22): when it is down, slow or full, pages are built
from the database, so a node without its cache is still healthy and says `"cache": "down"`; a
load balancer must not pull every node at once because the shared Redis went away."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("certcatalog.health")


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        logger.warning("Health check: the database did not answer: %r", exc)
        return False


def _cache() -> str:
    """`ok` when a value written to the cache reads back, `down` otherwise (failures are
    swallowed and logged once a minute by the cache backend), `local` without Redis."""
    if not settings.REDIS_URL:
        return "local"
    token = secrets.token_hex(8)
    try:
        cache.set("healthz", token, 10)
        return "ok" if cache.get("healthz") == token else "down"
    except Exception as exc:  # noqa: BLE001 -- any cache failure means "down", never a 500
        logger.warning("Health check: the cache did not answer: %r", exc)
        return "down"


@never_cache
def healthz(request):
    database = _database()
    return JsonResponse(
        {
            "status": "ok" if database else "unavailable",
            "database": "ok" if database else "failing",
            "cache": _cache(),
        },
        status=200 if database else 503,
    )

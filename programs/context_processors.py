import datetime

from django.utils.functional import SimpleLazyObject

from programs import caching


def catalogue(request):
    """Footer facts for every page, stored with the catalogue version: no query of their own."""

    def last_verified():
        value = caching.footer(request)["last_verified"]
        return datetime.date.fromisoformat(value) if value else ""

    return {
        "catalogue_last_verified": SimpleLazyObject(last_verified),
        "catalogue_sources": SimpleLazyObject(lambda: caching.footer(request)["sources"]),
    }

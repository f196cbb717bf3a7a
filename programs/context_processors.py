from django.db.models import Max
from django.utils.functional import SimpleLazyObject

from programs.models import Document, Program


def catalogue(request):
    """Footer facts for every page: the sources and last-verified date, queried when shown."""
    return {
        "catalogue_last_verified": SimpleLazyObject(
            lambda: Program.objects.aggregate(latest=Max("last_verified"))["latest"] or ""
        ),
        "catalogue_sources": SimpleLazyObject(
            lambda: list(
                Document.objects.order_by("pk").only(
                    "pk", "title", "is_vendor", "promotes", "author", "published_on", "date_note"
                )
            )
        ),
    }

from django.db.models import Max
from django.utils.functional import SimpleLazyObject

from programs.models import Program


def catalogue(request):
    """The catalogue's last-verified date for the footer, queried only when a page shows it."""
    return {
        "catalogue_last_verified": SimpleLazyObject(
            lambda: Program.objects.aggregate(latest=Max("last_verified"))["latest"] or ""
        )
    }

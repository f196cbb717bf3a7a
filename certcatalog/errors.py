"""The server-error page (Django's handler500), which tells a database outage apart (issue #22).

When PostgreSQL cannot be reached, every page would fail the same way: readers get a 503 "try
again in a minute" with Retry-After rather than a 500, and the site recovers by itself when the
database is back (connections are health-checked: settings CONN_HEALTH_CHECKS). The page is a
plain template that needs no database, no session and no context processor."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 60
DATABASE_AWAY = (OperationalError, InterfaceError)
"""What psycopg raises (through Django) when the server is down, refusing or restarting."""


def database_is_away(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DATABASE_AWAY):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django calls this inside the `except` that caught the error, so sys.exception() is it."""
    if database_is_away(sys.exception()):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())

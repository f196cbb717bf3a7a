"""What production serves that tests otherwise bypass: hashed, compressed static files (the suite
uses plain storage, tests/conftest.py) and the 500 page rendered by Django's own handler."""

import gzip
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from certcatalog import settings as project_settings

pytestmark = pytest.mark.django_db

HASHED = re.compile(r"^/static/(?P<name>.+)\.(?P<hash>[0-9a-f]{12})\.(?P<ext>[a-z]+)$")


def _fail(*args, **kwargs):
    raise RuntimeError("secret detail of a failed lookup")


@pytest.fixture
def production_static(settings, tmp_path):
    """The production static storage, with its files collected into a fresh STATIC_ROOT."""
    settings.STORAGES = project_settings.STORAGES
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0, stdout=StringIO())
    return settings.STATIC_ROOT


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_production_stores_static_files_hashed_and_compressed():
    """Debug is off in the test settings, as in production: the manifest storage is chosen."""
    assert not project_settings.DEBUG
    assert project_settings.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_pages_link_the_hashed_stylesheet_and_it_is_served_for_ever(client, production_static):
    response = client.get("/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    href = page.find("link", rel="stylesheet")["href"]
    match = HASHED.match(href)
    assert match and match["name"] == "css/site", href

    served = client.get(href)
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/css")
    assert "immutable" in served["Cache-Control"]
    assert "max-age=315360000" in served["Cache-Control"]
    source = (Path(project_settings.BASE_DIR) / "static/css/site.css").read_bytes()
    assert _body(served) == source


def test_the_hashed_stylesheet_is_sent_compressed_to_browsers_that_accept_it(
    client, production_static
):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    href = page.find("link", rel="stylesheet")["href"]
    served = client.get(href, headers={"accept-encoding": "gzip"})
    assert served["Content-Encoding"] == "gzip"
    source = (Path(project_settings.BASE_DIR) / "static/css/site.css").read_bytes()
    assert gzip.decompress(_body(served)) == source


def test_the_favicon_address_redirects_to_the_hashed_icon(client, production_static):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    match = HASHED.match(response["Location"])
    assert match and (match["name"], match["ext"]) == ("favicon", "svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")


def test_the_404_page_links_the_hashed_stylesheet_too(client, production_static):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Page not found"
    assert HASHED.match(page.find("link", rel="stylesheet")["href"])


def test_a_failing_view_shows_the_sites_own_500_page_and_no_traceback(client, monkeypatch):
    """The list page's view fails inside; the project's URLconf and handler answer."""
    monkeypatch.setattr("programs.views.browse", _fail)
    client.raise_request_exception = False
    response = client.get("/programs/")
    assert response.status_code == 500
    page = BeautifulSoup(response.content, "html.parser")
    assert page.title.get_text() == "Something went wrong · certcatalog"
    assert page.h1.get_text() == "Something went wrong"
    assert page.main.p.get_text() == "The page could not be shown. Please try again in a moment."
    assert page.main.find("a", string="Back to the catalogue")["href"] == "/"
    body = response.content.decode()
    for leak in ("Traceback", "RuntimeError", "secret detail", "_fail", "browse", ".py"):
        assert leak not in body


def test_the_500_page_needs_no_database_or_static_manifest(client, settings, tmp_path, monkeypatch):
    """A 500 may come from a broken database or a missing manifest: the page depends on neither
    (no stylesheet link, no context processors)."""
    monkeypatch.setattr("programs.views.browse", _fail)
    settings.STORAGES = project_settings.STORAGES
    settings.STATIC_ROOT = tmp_path / "never-collected"
    client.raise_request_exception = False
    response = client.get("/programs/")
    assert response.status_code == 500
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Something went wrong"
    assert page.find("link", rel="stylesheet") is None


def test_the_wsgi_entry_point_gunicorn_loads_serves_requests_with_the_production_middleware():
    """certcatalog.wsgi:application, called as gunicorn calls it. Connections are kept open
    around the request, as Django's test client does, so the test transaction stays in place."""
    from certcatalog.wsgi import application

    started = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/favicon.ico",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, lambda status, headers: started.append((status, headers)))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    ((status, headers),) = started
    headers = dict(headers)
    assert status == "301 Moved Permanently"
    assert headers["Location"] == "/static/favicon.svg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert body == b""

"""Pages keep working, and go stale correctly, when the catalogue version row is missing (after
`manage.py flush`) or holds no footer yet (a database migrated before footers were stored)."""

import pytest
from bs4 import BeautifulSoup
from django.db.models import Max

from programs.models import CatalogueVersion, Document, Program
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _footer_sources(response) -> list[str]:
    footer = BeautifulSoup(response.content, "html.parser").find("footer", class_="site-footer")
    return [a.get_text() for a in footer.select(".site-footer__sources a")]


def test_pages_are_served_without_a_version_row_and_the_next_write_creates_it(client, catalog):
    CatalogueVersion.objects.all().delete()
    before = client.get("/programs/")
    assert before.status_code == 200
    assert before["ETag"].startswith('"v0-')
    titles = list(Document.objects.order_by("pk").values_list("title", flat=True))
    assert _footer_sources(before) == titles  # computed, as no footer is stored

    program = ProgramFactory(name="Zz New Program")  # any catalogue write bumps the version
    version = CatalogueVersion.objects.get(pk=1)
    assert str(version) == f"Catalogue version {version.version}"
    assert [s["title"] for s in version.footer["sources"]] == titles
    after = client.get("/programs/")
    assert after["ETag"].startswith(f'"v{version.version}-')
    page = BeautifulSoup(after.content, "html.parser")
    assert page.find(id=f"program-{program.slug}")  # not the page cached before the write


def test_a_version_without_a_stored_footer_shows_the_computed_one(client, catalog):
    CatalogueVersion.objects.update(footer=None)
    response = client.get("/")
    assert response.status_code == 200
    titles = list(Document.objects.order_by("pk").values_list("title", flat=True))
    assert _footer_sources(response) == titles
    footer = BeautifulSoup(response.content, "html.parser").find("footer", class_="site-footer")
    latest = Program.objects.aggregate(latest=Max("last_verified"))["latest"]
    assert footer.find("time")["datetime"] == latest.isoformat()

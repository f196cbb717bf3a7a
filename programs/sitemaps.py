"""How search engines find the catalogue (issue #13): sitemap.xml and robots.txt.

`django.contrib.sites` is not installed, so every address is built from the request's host.
Each section counts its rows once per request and reads one page of them, so a response costs
the same few queries at any catalogue size; past one page, sitemap.xml becomes an index.
"""

import datetime
from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse

from programs.caching import public_page
from programs.history import SEED_REVISION
from programs.models import Program, Role

PROGRAMS_PER_SITEMAP = 5_000
"""Programs per sitemap page: a tenth of the protocol's 50,000, so one page builds quickly."""

SECTION_URL_NAME = "sitemap-section"

ROBOTS_DISALLOWED = ("programs:export_csv", "programs:export_json", "compare:print")
"""Pages that repeat another page's content in another form (downloads, a print layout)."""


class _Section(Sitemap):
    """A sitemap section that counts its items once per request: Django's `paginator` is a
    property that builds a new paginator, and counts again, at every use."""

    @cached_property
    def paginator(self) -> Paginator:
        return Paginator(self._items(), self.limit)


class PageSitemap(_Section):
    """The catalogue's own pages, each at one address."""

    URL_NAMES = (
        "programs:home",
        "programs:list",
        "programs:roles",
        "programs:sources",
        "programs:changes",
        "compare:finder",
    )

    def items(self) -> list[str]:
        return list(self.URL_NAMES)

    def location(self, item: str) -> str:
        return reverse(item)


def _latest_change():
    """The newest public change to a program (the seed load is not a change)."""
    return (
        Program.history.filter(id=OuterRef("pk"))
        .exclude(revision=SEED_REVISION)
        .order_by()
        .values("id")
        .annotate(latest=Max("history_date"))
        .values("latest")
    )


def _later(verified: datetime.date, changed: datetime.datetime | None) -> datetime.date:
    return max(verified, changed.date()) if changed else verified


class ProgramSitemap(_Section):
    """Every program page; lastmod is when its facts last changed or were last checked."""

    limit = PROGRAMS_PER_SITEMAP

    def items(self):
        return (
            Program.objects.published()
            .annotate(latest_change=Subquery(_latest_change()))
            .order_by("name", "pk")
            .only("slug", "last_verified")
        )

    def lastmod(self, program: Program) -> datetime.date:
        return _later(program.last_verified, program.latest_change)

    def get_latest_lastmod(self) -> datetime.date | None:
        """For the index: two aggregates, not one lastmod per program (Django's default)."""
        verified = Program.objects.published().aggregate(latest=Max("last_verified"))["latest"]
        changed = Program.history.exclude(revision=SEED_REVISION).aggregate(
            latest=Max("history_date")
        )["latest"]
        return _later(verified, changed) if verified else None


class RoleSitemap(_Section):
    def items(self):
        return Role.objects.order_by("position", "name").only("slug")


def _sections() -> dict[str, Sitemap]:
    """Fresh sections for each request, so counts are never shared between requests."""
    return {"pages": PageSitemap(), "programs": ProgramSitemap(), "roles": RoleSitemap()}


@public_page(params=["p"])
def sitemap(request):
    """/sitemap.xml: every public page while they fit on one sitemap page, else an index of
    /sitemap-<section>.xml?p=N."""
    sections = _sections()
    if any(section.paginator.num_pages > 1 for section in sections.values()):
        response = sitemap_views.index(request, sections, sitemap_url_name=SECTION_URL_NAME)
    else:
        response = sitemap_views.sitemap(request, sections)
    return response.render()  # the page cache stores rendered responses only


@public_page(params=["p"])
def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of one section, listed by the index."""
    return sitemap_views.sitemap(request, _sections(), section=section).render()


DEFAULT_ADMIN_URL = "admin/"


def robots_txt(request):
    """/robots.txt: crawl everything public except the editors' admin and the duplicates."""
    # The admin's default address is public knowledge and is disallowed; an address chosen to
    # be hard to guess (DJANGO_ADMIN_URL) is not written here, where anyone could read it.
    # Every admin page says "noindex" itself (Django admin's <meta name="robots">).
    admin = [f"/{DEFAULT_ADMIN_URL}"] if settings.ADMIN_URL == DEFAULT_ADMIN_URL else []
    disallowed = [*admin, *map(reverse, ROBOTS_DISALLOWED)]
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in disallowed),
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

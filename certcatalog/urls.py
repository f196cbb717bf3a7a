from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from certcatalog import health
from programs import sitemaps

admin.site.site_header = "certcatalog editors"
admin.site.site_title = "certcatalog admin"
admin.site.index_title = "Keep the catalogue true"
admin.site.enable_nav_sidebar = False  # the change form needs the width (issue #8)


def favicon(request):
    """Browsers ask for /favicon.ico; the icon is a hashed static SVG."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name=sitemaps.SECTION_URL_NAME),
    path("", include("programs.urls")),
    path("", include("compare.urls")),
    path("healthz", health.healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler500 = "certcatalog.errors.server_error"

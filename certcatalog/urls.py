from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "certcatalog editors"
admin.site.site_title = "certcatalog admin"
admin.site.index_title = "Keep the catalogue true"
admin.site.enable_nav_sidebar = False  # the change form needs the width (issue #8)

urlpatterns = [
    path("", include("programs.urls")),
    path("", include("compare.urls")),
    path("admin/", admin.site.urls),
]

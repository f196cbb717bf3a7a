from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "certcatalog editors"
admin.site.site_title = "certcatalog admin"
admin.site.index_title = "Keep the catalogue true"

urlpatterns = [
    path("", include("programs.urls")),
    path("compare/", include("compare.urls")),
    path("admin/", admin.site.urls),
]

from django.urls import path

from programs import views
from programs.caching import public_page
from programs.feeds import ProgramChangesFeed, RecentChangesFeed

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="list"),
    path("programs/export.csv", views.export_csv, name="export_csv"),
    path("programs/export.json", views.export_json, name="export_json"),
    path("programs/ctdl.json", views.catalogue_ctdl, name="ctdl"),
    path("programs/<slug:slug>.ctdl.json", views.program_ctdl, name="program_ctdl"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("roles/", views.role_list, name="roles"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("sources/", views.sources, name="sources"),
    path("report/", views.report_problem, name="report"),
    path("report/thanks/", views.report_thanks, name="report_thanks"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:change_id>/", views.change_detail, name="change"),
    path(
        "programs/<slug:slug>/changes.atom", public_page(ProgramChangesFeed()), name="program_feed"
    ),
    path("changes/feed/", public_page(RecentChangesFeed()), name="changes_feed"),
]

from django.urls import path

from compare import views

app_name = "compare"

urlpatterns = [
    path("compare/", views.compare, name="index"),
    path("compare/print/", views.compare_print, name="print"),
    path("compare/export.csv", views.compare_csv, name="export_csv"),
    path("compare/export.json", views.compare_json, name="export_json"),
    path("finder/", views.finder, name="finder"),
    path("plans/stack/", views.stack, name="stack"),
    path("plans/stack/pair/", views.stack_pairing, name="stack_pairing"),
    path("plans/team/", views.team, name="team"),
    path("plans/team/export.csv", views.team_csv, name="team_csv"),
    path("plans/team/export.json", views.team_json, name="team_json"),
]

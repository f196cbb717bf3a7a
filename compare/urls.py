from django.urls import path

from compare import views

app_name = "compare"

urlpatterns = [
    path("compare/", views.compare, name="index"),
    path("compare/print/", views.compare_print, name="print"),
    path("compare/print.pdf", views.compare_print_pdf, name="print_pdf"),
    path("compare/export.csv", views.compare_csv, name="export_csv"),
    path("compare/export.json", views.compare_json, name="export_json"),
    path("finder/", views.finder, name="finder"),
    path("plans/stack/", views.stack, name="stack"),
    path("plans/stack/pair/", views.stack_pairing, name="stack_pairing"),
    path("plans/stack/brief/", views.stack_brief, name="stack_brief"),
    path("plans/stack/brief.pdf", views.stack_brief_pdf, name="stack_brief_pdf"),
    path("plans/team/", views.team, name="team"),
    path("plans/team/export.csv", views.team_csv, name="team_csv"),
    path("plans/team/export.json", views.team_json, name="team_json"),
    path("plans/team/brief/", views.team_brief, name="team_brief"),
    path("plans/team/brief.pdf", views.team_brief_pdf, name="team_brief_pdf"),
]

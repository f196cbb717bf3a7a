from django.urls import path

from compare import views

app_name = "compare"

urlpatterns = [
    path("compare/", views.compare, name="index"),
    path("compare/print/", views.compare_print, name="print"),
    path("compare/export.csv", views.compare_csv, name="export_csv"),
    path("compare/export.json", views.compare_json, name="export_json"),
    path("finder/", views.finder, name="finder"),
]

from django.urls import path

from compare import views

app_name = "compare"

urlpatterns = [
    path("compare/", views.compare, name="index"),
    path("compare/print/", views.compare_print, name="print"),
    path("finder/", views.finder, name="finder"),
]

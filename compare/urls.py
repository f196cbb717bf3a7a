from django.urls import path

from compare import views

app_name = "compare"

urlpatterns = [
    path("", views.compare, name="index"),
    path("print/", views.compare_print, name="print"),
]

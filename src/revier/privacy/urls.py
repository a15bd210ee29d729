from django.urls import path

from revier.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("meine-daten.json", views.export_json, name="export_json"),
    path("meine-daten.pdf", views.export_pdf, name="export_pdf"),
    path("konto-loeschen/", views.account_delete, name="delete"),
]

from django.urls import path

from revier.applications import views_backoffice as views

app_name = "applications_backoffice"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("aufbewahrung/", views.retention_list, name="retention_list"),
    path("aufbewahrung/<int:form_id>/", views.retention_edit, name="retention_edit"),
    path("<str:reference>/", views.application_detail, name="detail"),
    path("<str:reference>/eingangsbestaetigung.pdf", views.application_receipt, name="receipt"),
]

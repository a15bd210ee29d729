"""Back office of data protection. To be mounted at ``backoffice/datenschutz/`` in the
municipality URLconf."""

from django.urls import path

from revier.privacy import views_backoffice as views

app_name = "privacy_backoffice"

urlpatterns = [
    path("aufbewahrung/", views.case_retention_list, name="case_retention_list"),
    path("aufbewahrung/<str:leika>/", views.case_retention_edit, name="case_retention_edit"),
    path(
        "aufbewahrung/<str:leika>/entfernen/",
        views.case_retention_remove,
        name="case_retention_remove",
    ),
]

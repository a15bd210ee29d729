from django.urls import path

from revier.services import views, views_backoffice, views_imports

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("<str:leika>/", views.service_detail, name="detail"),
]

# Mounted at backoffice/leistungen/ (namespace services_backoffice).
backoffice_urls = (
    [
        path("", views_backoffice.local_service_list, name="list"),
        path("anbieten/", views_backoffice.local_service_add, name="add"),
        path("angebot/<int:pk>/", views_backoffice.local_service_edit, name="edit"),
        path("angebot/<int:pk>/entfernen/", views_backoffice.local_service_remove, name="remove"),
        path("stellen/", views_backoffice.office_list, name="office_list"),
        path("stellen/neu/", views_backoffice.office_add, name="office_add"),
        path("stellen/<int:pk>/", views_backoffice.office_edit, name="office_edit"),
        path("stellen/<int:pk>/entfernen/", views_backoffice.office_remove, name="office_remove"),
    ],
    "services_backoffice",
)

# Mounted at backoffice/importe/ (namespace imports_backoffice): import runs of every importer.
imports_backoffice_urls = (
    [
        path("", views_imports.run_list, name="list"),
        path("neu/<str:key>/", views_imports.run_upload, name="upload"),
        path("<int:pk>/", views_imports.run_detail, name="detail"),
        path("<int:pk>/fortschritt/", views_imports.run_progress, name="progress"),
    ],
    "imports_backoffice",
)

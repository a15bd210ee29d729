from django.urls import path

from revier.services import views_backoffice

app_name = "services_backoffice"

urlpatterns = [
    path("", views_backoffice.local_service_list, name="list"),
    path("anbieten/", views_backoffice.local_service_add, name="add"),
    path("angebot/<int:pk>/", views_backoffice.local_service_edit, name="edit"),
    path("angebot/<int:pk>/entfernen/", views_backoffice.local_service_remove, name="remove"),
    path("stellen/", views_backoffice.office_list, name="office_list"),
    path("stellen/neu/", views_backoffice.office_add, name="office_add"),
    path("stellen/<int:pk>/", views_backoffice.office_edit, name="office_edit"),
    path("stellen/<int:pk>/entfernen/", views_backoffice.office_remove, name="office_remove"),
]

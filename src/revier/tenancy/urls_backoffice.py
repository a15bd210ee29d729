from django.urls import path

from revier.tenancy import views_backoffice as views

app_name = "tenancy_backoffice"

urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("logo/", views.settings_logo, name="settings_logo"),
    path("domains/", views.settings_domain_add, name="settings_domain_add"),
    path(
        "domains/<int:pk>/entfernen/", views.settings_domain_remove, name="settings_domain_remove"
    ),
]

from django.urls import path

from revier.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("protokoll/", views.audit_log_list, name="audit_log"),
    path("rollen/", views.roles, name="roles"),
]

from django.urls import path

from revier.accounts import views_backoffice as views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mitarbeitende/", views.staff_list, name="staff_list"),
    path("mitarbeitende/einladen/", views.staff_invite, name="staff_invite"),
    path("mitarbeitende/<int:user_id>/", views.staff_detail, name="staff_detail"),
    path("mitarbeitende/<int:user_id>/entfernen/", views.staff_remove, name="staff_remove"),
    path("protokoll/", views.audit_log_list, name="audit_log"),
    path("rueckmeldungen/", views.feedback_list, name="feedback_list"),
    path("rueckmeldungen/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("einstellungen/", views.settings_view, name="settings"),
    path("einstellungen/logo/", views.settings_logo, name="settings_logo"),
    path("einstellungen/domains/", views.settings_domain_add, name="settings_domain_add"),
    path(
        "einstellungen/domains/<int:pk>/entfernen/",
        views.settings_domain_remove,
        name="settings_domain_remove",
    ),
]

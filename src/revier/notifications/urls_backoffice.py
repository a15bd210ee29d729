from django.urls import path

from revier.notifications import views_backoffice as views

app_name = "notifications_backoffice"

urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("vorlagen/<str:event>/<str:language>/", views.template_edit, name="template_edit"),
    path(
        "vorlagen/<str:event>/<str:language>/zuruecksetzen/",
        views.template_reset,
        name="template_reset",
    ),
    path("versand/", views.sent_list, name="sent_list"),
    path("sms/", views.sms_settings, name="sms_settings"),
    path("sms/verbindung-testen/", views.sms_check, name="sms_check"),
    # Public: the SMS gateway's signed delivery reports (no login; HMAC instead).
    path("sms/status/", views.sms_status, name="sms_status"),
]

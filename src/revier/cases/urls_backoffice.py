"""Case work in the back office below ``/<slug>/backoffice/vorgaenge/``."""

from django.urls import path, re_path

from revier.cases import views_backoffice as views

app_name = "cases_backoffice"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("uebersicht/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/dokumente/<int:document_id>/", views.case_document, name="document"),
    path("<int:pk>/uebernehmen/", views.case_claim, name="claim"),
    path("<int:pk>/zuweisen/", views.case_assign, name="assign"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/notiz/", views.case_note, name="note"),
    path("<int:pk>/zahlung/", views.case_payment, name="payment"),
    path("<int:pk>/erneut-oeffnen/", views.case_retry, name="retry"),
    path("<int:pk>/nachricht/", views.case_message, name="message"),
    path("<int:pk>/bescheid/", views.case_decision, name="decision"),
    path("einstellungen/", views.settings_overview, name="settings"),
    path("einstellungen/ablauf/", views.workflow_edit, name="workflow_default"),
    path("einstellungen/ablauf/zuruecksetzen/", views.workflow_reset, name="workflow_reset"),
    re_path(r"^einstellungen/ablauf/(?P<leika>\d{14})/$", views.workflow_edit, name="workflow"),
    re_path(
        r"^einstellungen/ablauf/(?P<leika>\d{14})/zuruecksetzen/$",
        views.workflow_reset,
        name="workflow_reset_service",
    ),
    path("einstellungen/vorlagen/neu/", views.template_edit, name="template_add"),
    path("einstellungen/vorlagen/<int:pk>/", views.template_edit, name="template_edit"),
    path(
        "einstellungen/dienststellen/<int:office_id>/",
        views.office_members,
        name="office_members",
    ),
]

"""The applicant's side of case work below ``/<slug>/konto/``."""

from django.urls import path

from revier.cases import views_account as views

app_name = "casework_account"

urlpatterns = [
    path("antraege/", views.application_list, name="applications"),
    # services.case_link reverses this name with the reference for the e-mail links.
    path("antraege/<str:reference>/", views.application_detail, name="application"),
    path(
        "antraege/<str:reference>/dokumente/<int:pk>/",
        views.document_download,
        name="document",
    ),
    path("postfach/", views.mailbox, name="mailbox"),
    path("postfach/<int:pk>/", views.message_detail, name="message"),
    path("postfach/link/<str:token>/", views.message_link, name="message_link"),
]

from django.urls import path

from revier.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("neu/<str:leika>/", views.application_start, name="start"),
    path("fortsetzen/<str:token>/", views.application_resume, name="resume"),
    path("verfolgen/<str:token>/", views.application_follow, name="follow"),
    path(
        "zahlung/<str:transaction_id>/benachrichtigung/",
        views.payment_notify,
        name="payment_notify",
    ),
    path("<str:reference>/", views.application_status, name="status"),
    path("<str:reference>/seite/<int:index>/", views.application_step, name="step"),
    path("<str:reference>/pruefen/", views.application_check, name="check"),
    path("<str:reference>/bezahlen/", views.application_pay, name="pay"),
    path("<str:reference>/eingangsbestaetigung.pdf", views.application_receipt, name="receipt"),
]

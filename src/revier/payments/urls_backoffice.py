from django.urls import path

from revier.payments import views_backoffice as views

app_name = "payments_backoffice"

urlpatterns = [
    path("", views.fee_list, name="fee_list"),
    path("konto/", views.account_edit, name="account"),
    path("<str:leika>/", views.fee_edit, name="fee_edit"),
    path("<str:leika>/verbindung-testen/", views.fee_check, name="fee_check"),
]

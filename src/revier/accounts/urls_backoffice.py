from django.urls import path

from revier.accounts import views_backoffice as views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

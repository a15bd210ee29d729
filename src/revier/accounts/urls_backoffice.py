from django.urls import path

from revier.accounts import views_backoffice as views

app_name = "accounts_backoffice"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("einladen/", views.staff_invite, name="staff_invite"),
    path("<int:user_id>/", views.staff_detail, name="staff_detail"),
    path("<int:user_id>/entfernen/", views.staff_remove, name="staff_remove"),
]

"""The person's own account below ``/<slug>/konto/``."""

from django.urls import path

from revier.accounts import views

app_name = "account"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profil/", views.profile, name="profile"),
    path("organisationen/neu/", views.organisation_create, name="organisation_create"),
    path("organisationen/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisationen/<int:pk>/mitglieder/neu/", views.member_add, name="member_add"),
    path(
        "organisationen/<int:pk>/mitglieder/<int:membership_id>/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "organisationen/<int:pk>/mitglieder/<int:membership_id>/entfernen/",
        views.member_remove,
        name="member_remove",
    ),
]

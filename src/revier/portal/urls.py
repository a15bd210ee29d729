"""Public pages, mounted at the root of the platform and of each municipality."""

from django.urls import path

from revier.portal import views

app_name = "portal"

common = [
    path("", views.home, name="home"),
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
]

urlpatterns = common

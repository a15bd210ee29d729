from django.urls import path

from revier.portal import views_backoffice as views

app_name = "portal_backoffice"

urlpatterns = [
    path("", views.feedback_list, name="feedback_list"),
    path("<int:pk>/", views.feedback_detail, name="feedback_detail"),
]

from django.urls import path

from revier.booking import views_backoffice as views

app_name = "booking_backoffice"

urlpatterns = [
    path("", views.day, name="day"),
    path("<int:pk>/ankunft/", views.mark, {"what": "arrived"}, name="arrived"),
    path("<int:pk>/nicht-erschienen/", views.mark, {"what": "no_show"}, name="no_show"),
]

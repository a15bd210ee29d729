from django.urls import path

from revier.delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("<int:pk>/erneut-senden/", views.delivery_retry, name="retry"),
    path("wege/", views.route_list, name="routes"),
    path("wege/<int:pk>/verbindung-testen/", views.route_check, name="route_check"),
]

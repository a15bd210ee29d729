from django.urls import path

from revier.services import views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("<str:leika>/", views.service_detail, name="detail"),
]

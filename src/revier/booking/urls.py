from django.urls import path

from revier.booking import views

app_name = "booking"

urlpatterns = [
    path("", views.index, name="index"),
    path("angebot/<int:pk>/", views.resource_page, name="resource"),
    path("hub/<slug:slug>/", views.hub_page, name="hub"),
    path("hub/<slug:slug>/kalender.ics", views.hub_ics, name="hub_ics"),
    path("buchung/<str:token>/", views.booking_page, name="booking"),
    path("buchung/<str:token>/kalender.ics", views.booking_ics, name="booking_ics"),
    path("buchung/<str:token>/einchecken/", views.check_in, name="check_in"),
]

"""The person's own bookings below ``/<slug>/konto/``."""

from django.urls import path

from revier.booking import views

app_name = "booking_account"

urlpatterns = [path("termine/", views.my_bookings, name="bookings")]

from django.urls import path

from revier.booking import api

urlpatterns = [
    # Before the municipality's routes: "me" would match <slug:municipality>.
    path("me/bookings/", api.MeBookingListView.as_view(), name="api-me-bookings"),
    path(
        "<slug:municipality>/bookables/",
        api.BookableListView.as_view(),
        name="api-booking-bookables",
    ),
    path(
        "<slug:municipality>/bookables/<int:pk>/availability/",
        api.AvailabilityView.as_view(),
        name="api-booking-availability",
    ),
    path(
        "<slug:municipality>/bookings/", api.BookingCreateView.as_view(), name="api-booking-create"
    ),
    path(
        "<slug:municipality>/bookings/<int:pk>/",
        api.BookingDetailView.as_view(),
        name="api-booking-detail",
    ),
]

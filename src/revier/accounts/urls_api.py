from django.urls import path

from revier.accounts import api

urlpatterns = [
    path("<slug:municipality>/staff/", api.StaffListView.as_view(), name="api-staff-list"),
]

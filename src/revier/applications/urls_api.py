from django.urls import path

from revier.applications import api

urlpatterns = [
    path(
        "<slug:municipality>/applications/",
        api.ApplicationSubmitView.as_view(),
        name="api-application-submit",
    ),
    path(
        "<slug:municipality>/applications/<str:reference>/",
        api.ApplicationDetailView.as_view(),
        name="api-application-detail",
    ),
]

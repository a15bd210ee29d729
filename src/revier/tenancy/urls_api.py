from django.urls import path

from revier.tenancy import api

urlpatterns = [
    path("municipalities/", api.MunicipalityListView.as_view(), name="api-municipalities"),
    path(
        "municipalities/<slug:slug>/",
        api.MunicipalityDetailView.as_view(),
        name="api-municipality",
    ),
]

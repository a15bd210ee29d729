from django.urls import path

from revier.services import api

urlpatterns = [
    path("services/", api.ServiceSearchView.as_view(), name="api-services"),
    path(
        "<slug:municipality>/services/",
        api.MunicipalityServiceListView.as_view(),
        name="api-municipality-services",
    ),
]

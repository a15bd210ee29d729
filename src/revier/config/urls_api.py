"""/api/v1/ — one version prefix for the whole API."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from revier.news import api as news_api
from revier.tenancy import api as tenancy_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("municipalities/", tenancy_api.MunicipalityListView.as_view(), name="api-municipalities"),
    path(
        "municipalities/<slug:slug>/",
        tenancy_api.MunicipalityDetailView.as_view(),
        name="api-municipality",
    ),
    path("<slug:municipality>/news/", news_api.NewsListView.as_view(), name="api-news-list"),
    path(
        "<slug:municipality>/news/<slug:slug>/",
        news_api.NewsDetailView.as_view(),
        name="api-news-detail",
    ),
]

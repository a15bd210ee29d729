"""/api/v1/ — one version prefix for the whole API."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from revier.accounts import api as accounts_api
from revier.applications import api as applications_api
from revier.core.api import api_not_found
from revier.core.views import APIDocsView
from revier.forms import api as forms_api
from revier.news import api as news_api
from revier.services import api as services_api
from revier.tenancy import api as tenancy_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", APIDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("municipalities/", tenancy_api.MunicipalityListView.as_view(), name="api-municipalities"),
    path(
        "municipalities/<slug:slug>/",
        tenancy_api.MunicipalityDetailView.as_view(),
        name="api-municipality",
    ),
    path("services/", services_api.ServiceSearchView.as_view(), name="api-services"),
    # Before the ``<slug:municipality>/`` routes, which "me" would otherwise match.
    path("", include("revier.cases.urls_api_me")),
    path("", include("revier.cases.urls_api_staff")),
    path("<slug:municipality>/staff/", accounts_api.StaffListView.as_view(), name="api-staff-list"),
    path("<slug:municipality>/news/", news_api.NewsListView.as_view(), name="api-news-list"),
    path(
        "<slug:municipality>/news/<slug:slug>/",
        news_api.NewsDetailView.as_view(),
        name="api-news-detail",
    ),
    path(
        "<slug:municipality>/services/",
        services_api.MunicipalityServiceListView.as_view(),
        name="api-municipality-services",
    ),
    path(
        "<slug:municipality>/forms/<int:pk>/",
        forms_api.FormVersionDetailView.as_view(),
        name="api-form-detail",
    ),
    path(
        "<slug:municipality>/applications/",
        applications_api.ApplicationSubmitView.as_view(),
        name="api-application-submit",
    ),
    path(
        "<slug:municipality>/applications/<str:reference>/",
        applications_api.ApplicationDetailView.as_view(),
        name="api-application-detail",
    ),
    # Last: every other address below /api/v1/ answers with a problem document.
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]

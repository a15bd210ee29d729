"""/api/v1/ — one version prefix for the whole API. Each module mounts its routes in its
``module.py`` (``UrlMount(site="api")``); routes without a municipality (``me/``,
``municipalities/``) come before the ``<slug:municipality>/`` ones by their order."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from revier.core import kit
from revier.core.abuse.api import ChallengeView
from revier.core.api import api_not_found
from revier.core.views import APIDocsView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", APIDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("altcha/challenge/", ChallengeView.as_view(), name="altcha-challenge"),
    *[path(m.prefix, include(m.urlconf)) for m in kit.url_mounts("api")],
    # Last: every other address below /api/v1/ answers with a problem document.
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]

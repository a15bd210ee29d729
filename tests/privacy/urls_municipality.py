"""The municipality URLconf plus the data-protection back office, until the lead mounts
``revier.privacy.urls_backoffice`` at ``backoffice/datenschutz/`` in the shared URLconf."""

from django.urls import include, path

from revier.config.urls_municipality import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
)
from revier.config.urls_municipality import urlpatterns as base

urlpatterns = [
    path("backoffice/datenschutz/", include("revier.privacy.urls_backoffice")),
    *base,
]

"""URLs inside one municipality, below ``/<slug>/`` or at the root of its custom domain.

Each module mounts its routes in its ``module.py`` (``UrlMount``, site ``municipality``)."""

from django.urls import include, path

from revier.core import kit

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    *[path(m.prefix, include(m.urlconf)) for m in kit.url_mounts("municipality")],
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "revier.portal.views.error_400"
handler403 = "revier.portal.views.error_403"
handler404 = "revier.portal.views.error_404"
handler500 = "revier.portal.views.error_500"

"""URLs inside one municipality, below ``/<slug>/`` or at the root of its custom domain."""

from django.urls import include, path

urlpatterns = [
    path("", include("revier.portal.urls_municipality")),
    path("accounts/", include("allauth.urls")),
    path("backoffice/", include("revier.accounts.urls_backoffice")),
    path("konto/", include("revier.accounts.urls")),
    path("aktuelles/", include("revier.news.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "revier.portal.views.error_400"
handler403 = "revier.portal.views.error_403"
handler404 = "revier.portal.views.error_404"
handler500 = "revier.portal.views.error_500"

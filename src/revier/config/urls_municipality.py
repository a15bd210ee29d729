"""URLs inside one municipality, below ``/<slug>/`` or at the root of its custom domain."""

from django.urls import include, path

from revier.services.urls import backoffice_urls as services_backoffice_urls
from revier.services.urls import imports_backoffice_urls

urlpatterns = [
    path("", include("revier.portal.urls_municipality")),
    path("accounts/", include("allauth.urls")),
    path("backoffice/", include("revier.accounts.urls_backoffice")),
    path("konto/", include("revier.accounts.urls")),
    path("konto/meine-daten/", include("revier.privacy.urls")),
    path("konto/", include("revier.cases.urls_account")),
    path("aktuelles/", include("revier.news.urls")),
    path("backoffice/zustellungen/", include("revier.delivery.urls")),
    path("leistungen/", include("revier.services.urls")),
    path("antrag/", include("revier.applications.urls")),
    path("backoffice/leistungen/", include(services_backoffice_urls)),
    path("backoffice/importe/", include(imports_backoffice_urls)),
    path("backoffice/formulare/", include("revier.forms.urls")),
    path("backoffice/antraege/", include("revier.applications.urls_backoffice")),
    path("backoffice/gebuehren/", include("revier.payments.urls_backoffice")),
    path("backoffice/vorgaenge/", include("revier.cases.urls_backoffice")),
    path("backoffice/benachrichtigungen/", include("revier.notifications.urls_backoffice")),
    path("backoffice/datenschutz/", include("revier.privacy.urls_backoffice")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "revier.portal.views.error_400"
handler403 = "revier.portal.views.error_403"
handler404 = "revier.portal.views.error_404"
handler500 = "revier.portal.views.error_500"

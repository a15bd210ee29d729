"""The platform's own URLs (start page, operator admin, API). Municipality pages are served by
``urls_municipality`` (see revier.tenancy.middleware). Modules mount their platform routes in
their ``module.py`` (``UrlMount``, site ``platform``)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from revier.core import kit

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    *[path(m.prefix, include(m.urlconf)) for m in kit.url_mounts("platform")],
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("revier.config.urls_api")),
]

if settings.REVIER_BENCHMARK_FLOOR:
    from revier.core.views import bench_floor

    urlpatterns.append(path("_bench/floor", bench_floor))

handler400 = "revier.portal.views.error_400"
handler403 = "revier.portal.views.error_403"
handler404 = "revier.portal.views.error_404"
handler500 = "revier.portal.views.error_500"

"""Resolve the municipality of a request and confine the request to it (fail-closed).

A request belongs to a municipality when
- its host is one of the municipality's custom domains, or
- on a platform host, its path starts with ``/<slug>/``.

Inside a municipality the request is served by ``settings.MUNICIPALITY_URLCONF`` with the slug
moved from the path into the script prefix, so the same views and ``reverse()`` calls work under
``/zeitz/…`` and under ``https://service.zeitz.de/…`` alike (ADR 0002). The whole request runs in
``django_scopes.scope(municipality=…)``; on the platform no scope is active, and any query of a
tenant-owned model raises.
"""

from django.conf import settings
from django.urls import get_resolver, get_script_prefix, set_script_prefix
from django.utils.module_loading import import_string
from django_scopes import scope

from revier.core.kit import ModuleDisabled
from revier.tenancy import selectors
from revier.tenancy.models import RESERVED_SLUGS


def _strip_port(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


class MunicipalityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.platform_hosts = {h.lower() for h in settings.PLATFORM_HOSTS}

    def __call__(self, request):
        request.municipality = None
        host = _strip_port(request.get_host().lower())

        if host not in self.platform_hosts:
            municipality = selectors.municipality_by_domain(host)
            if municipality is None:
                # The page is the portal's (a setting, so tenancy does not import it).
                return import_string(settings.REVIER_UNKNOWN_HOST_VIEW)(request, host)
            request.urlconf = settings.MUNICIPALITY_URLCONF
            return self._serve(request, municipality)

        segment = request.path_info.lstrip("/").split("/", 1)[0]
        if not segment or segment in RESERVED_SLUGS:
            return self.get_response(request)
        municipality = selectors.municipality_by_slug(segment)
        if municipality is None:
            # Leave it to the platform urlconf; its 404 page names the unknown address.
            return self.get_response(request)
        if request.path_info == f"/{segment}":
            from django.http import HttpResponsePermanentRedirect

            return HttpResponsePermanentRedirect(request.path + "/")

        prefix = get_script_prefix()
        request.path_info = request.path_info[len(segment) + 1 :]
        request.urlconf = settings.MUNICIPALITY_URLCONF
        set_script_prefix(f"{prefix}{segment}/")
        try:
            return self._serve(request, municipality)
        finally:
            set_script_prefix(prefix)

    def _serve(self, request, municipality):
        request.municipality = municipality
        with scope(municipality=municipality):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ModuleDisabled):
            # The urlconf's own 404 page (handler404), as for any unknown page.
            handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)
            return handler(request, exception)
        return None

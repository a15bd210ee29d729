"""API foundations: RFC 7807 problem responses and the tenant-scoped base view."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_scopes import scope
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from revier.tenancy.modules import ModuleDisabled
from revier.tenancy.selectors import municipality_by_slug

PROBLEM_TYPE_BASE = "https://revier.example/problems/"


class ProblemResponse(Response):
    def __init__(
        self,
        *,
        status_code: int,
        title: str,
        detail: str = "",
        type_: str = "",
        extra: dict | None = None,
    ):
        body = {
            "type": PROBLEM_TYPE_BASE + type_ if type_ else "about:blank",
            "title": title,
            "status": status_code,
        }
        if detail:
            body["detail"] = detail
        if extra:
            body.update(extra)
        super().__init__(body, status=status_code, content_type="application/problem+json")


def problem_exception_handler(exc, context):
    """Turn every API error into application/problem+json (RFC 7807)."""
    if isinstance(exc, ModuleDisabled):
        return ProblemResponse(
            status_code=404,
            title=_("Module not available"),
            type_="module-disabled",
            detail=_("The municipality does not offer this module."),
        )
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return ProblemResponse(
            status_code=response.status_code,
            title=_("Invalid input"),
            type_="invalid-input",
            detail=_("One or more fields are invalid."),
            extra={"errors": response.data},
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    title = {
        status.HTTP_401_UNAUTHORIZED: _("Not authenticated"),
        status.HTTP_403_FORBIDDEN: _("Forbidden"),
        status.HTTP_404_NOT_FOUND: _("Not found"),
        status.HTTP_405_METHOD_NOT_ALLOWED: _("Method not allowed"),
        status.HTTP_429_TOO_MANY_REQUESTS: _("Too many requests"),
    }.get(response.status_code, _("Error"))
    problem = ProblemResponse(
        status_code=response.status_code,
        title=title,
        detail=str(detail),
        type_=getattr(exc, "default_code", "") or "",
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


class MunicipalityAPIMixin:
    """For API views under ``/api/v1/<slug:municipality>/``.

    Resolves the municipality from the URL, activates its scope for the whole request (so every
    query is confined to it) and optionally requires a module to be switched on.
    """

    module: str | None = None
    municipality = None

    def dispatch(self, request, *args, **kwargs):
        self.municipality = municipality_by_slug(kwargs.get("municipality", ""))
        request.municipality = self.municipality
        # With an unknown slug the scope is empty; initial() then raises 404 before any query.
        with scope(municipality=self.municipality):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        # Before authentication and permissions: they may rely on the municipality.
        if self.municipality is None:
            raise exceptions.NotFound(_("There is no municipality with this address."))
        if self.module and not self.municipality.module_enabled(self.module):
            raise ModuleDisabled(self.municipality, self.module)
        super().initial(request, *args, **kwargs)

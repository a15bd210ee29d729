"""API foundations: RFC 7807 problem responses, the tenant-scoped base view and permissions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from revier.core.abuse.ratelimit import RateLimited
from revier.core.abuse.responses import problem_body
from revier.core.kit import ModuleDisabled

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
    if isinstance(exc, RateLimited):
        body = problem_body(exc)
        problem = ProblemResponse(
            status_code=429,
            title=body["title"],
            detail=body["detail"],
            type_="rate-limited",
        )
        problem["Retry-After"] = str(exc.retry_after)
        return problem
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
            extra={"errors": flatten_errors(response.data)},
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
        type_=_problem_type(exc),
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


def flatten_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as the documented ``{path: [message]}``: ``{"cases": {"1": [...]}}``
    becomes ``{"cases/1": [...]}`` (the slash paths the answers of forms use too)."""
    from revier.core.text import safe_key

    flat: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}/{safe_key(key)}" if prefix else safe_key(key)
            flat.update(flatten_errors(value, path))
    elif isinstance(data, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in data):
            if data:
                flat[prefix or "non_field_errors"] = [str(item) for item in data]
        else:
            for index, item in enumerate(data):
                path = f"{prefix}/{index}" if prefix else str(index)
                flat.update(flatten_errors(item, path))
    elif data is not None:
        flat[prefix or "non_field_errors"] = [str(data)]
    return flat


def _problem_type(exc) -> str:
    code = getattr(exc, "default_code", "") or ""
    # DRF's codes use underscores; problem type URIs read better with hyphens.
    return code.replace("_", "-")


@csrf_exempt  # it changes nothing; a POST gets its 404 problem, not the CSRF page
def api_not_found(request, *args, **kwargs):
    """Any /api/v1/ address no view answers: a problem document, not the HTML 404 page."""
    body = {
        "type": PROBLEM_TYPE_BASE + "not-found",
        "title": _("Not found"),
        "status": 404,
        "detail": _("There is no API endpoint at this address."),
    }
    return JsonResponse(body, status=404, content_type="application/problem+json")


MUNICIPALITY_PATH_PARAMETER = OpenApiParameter(
    "municipality",
    str,
    location=OpenApiParameter.PATH,
    description="Address (slug) of the municipality, e.g. zeitz.",
)


class MunicipalityAutoSchema(AutoSchema):
    """Documents the ``municipality`` path segment as the slug it is (the models' foreign key
    of the same name would otherwise make it an integer)."""

    def get_override_parameters(self):
        return [MUNICIPALITY_PATH_PARAMETER, *super().get_override_parameters()]


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 7807 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "With status 400: the messages for each invalid field.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status"],
}

_PROBLEM_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names the fields.",
    "401": "Not authenticated, or the token is wrong.",
    "403": "Authenticated, but not allowed.",
    "404": "Unknown municipality, module switched off, or unknown object.",
    "413": "The request body is larger than the limit.",
    "429": "Too many requests; see `Retry-After`.",
}


def problem_responses_hook(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the problem responses of every operation,
    derived from what the handler above does, so clients see them in the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            codes = ["429"]
            if "{" in path:
                codes.append("404")
            if {} not in operation.get("security", [{}]):
                codes += ["401", "403"]
            query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            if query or "requestBody" in operation:
                codes.append("400")
            if "page" in query:
                codes.append("404")  # a page past the end
            if "requestBody" in operation:
                codes.append("413")
            for code in sorted(set(codes)):
                operation["responses"].setdefault(
                    code, {"description": _PROBLEM_DESCRIPTIONS[code], "content": content}
                )
            # Errors an operation declares itself (e.g. 422) are problem documents too.
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = content
    return result

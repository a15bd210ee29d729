"""Request bodies have a size limit before anything reads them (ADR 0029).

``RequestSizeMiddleware`` answers 413 from the declared ``Content-Length`` alone: problem JSON
below ``/api/``, a page elsewhere. The limits, by kind of body:

- JSON (the API): ``REVIER_MAX_JSON_BODY`` (default 16 MB: one file of the 10 MB upload limit as
  base64 plus the answers). DRF reads JSON bodies as a stream, which Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not cover.
- multipart (files): ``REVIER_MAX_MULTIPART_BODY`` (default 64 MB); Django checks the non-file
  fields against ``DATA_UPLOAD_MAX_MEMORY_SIZE`` itself.
- anything else (form posts): Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB).

Django's own ``RequestDataTooBig`` (raised later, e.g. for too many form fields' bytes) gets the
same answers through ``request_too_big_response``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from revier.core.api import PROBLEM_TYPE_BASE

DEFAULT_MAX_JSON_BODY = 16 * 1024 * 1024
DEFAULT_MAX_MULTIPART_BODY = 64 * 1024 * 1024


def body_limit(content_type: str) -> int:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return int(getattr(settings, "REVIER_MAX_JSON_BODY", DEFAULT_MAX_JSON_BODY))
    if kind.startswith("multipart/"):
        return int(getattr(settings, "REVIER_MAX_MULTIPART_BODY", DEFAULT_MAX_MULTIPART_BODY))
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or DEFAULT_MAX_JSON_BODY)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def request_too_big_response(request, limit: int):
    detail = _("The request is larger than %(size)s MB. Send less data at once.") % {
        "size": _megabytes(limit)
    }
    if request.path_info.startswith("/api/"):
        body = {
            "type": PROBLEM_TYPE_BASE + "request-too-large",
            "title": _("Request too large"),
            "status": 413,
            "detail": detail,
        }
        return JsonResponse(body, status=413, content_type="application/problem+json")
    return render(
        request,
        "revier/abuse/request_too_large.html",
        {"detail": detail},
        status=413,
    )


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            return request_too_big_response(request, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return request_too_big_response(request, body_limit(request.META.get("CONTENT_TYPE")))
        return None

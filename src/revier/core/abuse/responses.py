"""What a person or an API client sees when a limit is reached: 429 with ``Retry-After``."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from revier.core.abuse.ratelimit import RateLimited, check_rate

PROBLEM_TYPE = "https://revier.example/problems/rate-limited"


def wait_text(retry_after: int) -> str:
    """'Please try again in 5 minutes (from 14:30).' in the active language."""
    until = timezone.localtime(timezone.now() + dt.timedelta(seconds=retry_after))
    clock = time_format(until, "TIME_FORMAT")
    if retry_after < 90:
        return ngettext(
            "Please try again in %(count)d second (from %(time)s).",
            "Please try again in %(count)d seconds (from %(time)s).",
            retry_after,
        ) % {"count": retry_after, "time": clock}
    minutes = (retry_after + 59) // 60
    return ngettext(
        "Please try again in %(count)d minute (from %(time)s).",
        "Please try again in %(count)d minutes (from %(time)s).",
        minutes,
    ) % {"count": minutes, "time": clock}


def with_retry_after(response, exc: RateLimited):
    response["Retry-After"] = str(exc.retry_after)
    return response


def problem_body(exc: RateLimited) -> dict:
    return {
        "type": PROBLEM_TYPE,
        "title": _("Too many requests"),
        "status": 429,
        "detail": ngettext(
            "Too many requests. Try again in %(count)d second.",
            "Too many requests. Try again in %(count)d seconds.",
            exc.retry_after,
        )
        % {"count": exc.retry_after},
    }


def rate_limited_response(request, exc: RateLimited):
    """A page (or, below /api/, a problem document) saying when to try again."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            problem_body(exc), status=429, content_type="application/problem+json"
        )
    else:
        response = render(
            request,
            "revier/abuse/rate_limited.html",
            {"wait_text": wait_text(exc.retry_after)},
            status=429,
        )
    return with_retry_after(response, exc)


def rate_limit_or_form_error(form, scope: str, key: str, *, limit: int, window: int):
    """Count the submission of ``form``; past the limit add a non-field error that says when to
    try again and return the :class:`RateLimited` (the view re-renders the form, answers kept,
    with status 429 and ``with_retry_after``). Returns None while within the limit.

        if form.is_valid() and not (limited := abuse.rate_limit_or_form_error(
                form, "booking.reserve", abuse.client_key(request), limit=10, window=600)):
            ...  # do the work
        response = render(request, "…", {"form": form}, status=429 if limited else 400)
        return abuse.with_retry_after(response, limited) if limited else response
    """
    try:
        check_rate(scope, key, limit=limit, window=window)
    except RateLimited as exc:
        form.add_error(
            None,
            _("You have sent this form too often in a short time.")
            + " "
            + wait_text(exc.retry_after)
            + " "
            + _("Your answers are kept."),
        )
        return exc
    return None

"""The person's rights in their account: download all their data, delete the account."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from revier.backoffice.framework import apply_service_error
from revier.core.audit import audit_context
from revier.core.views import post_data
from revier.privacy import export, selectors, services
from revier.privacy.forms import AccountDeleteForm

FRESH_LOGIN = dt.timedelta(minutes=10)


@login_required
@require_GET
def overview(request):
    return render(request, "privacy/overview.html", {})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_json(request):
    data = selectors.person_data(user=request.user)
    services.data_export_record(user=request.user, kind="json", context=audit_context(request))
    return _download(export.export_json(data), "application/json", "meine-daten.json")


@login_required
@require_GET
def export_pdf(request):
    data = selectors.person_data(user=request.user)
    services.data_export_record(user=request.user, kind="pdf", context=audit_context(request))
    pdf = export.export_pdf(data, language=translation.get_language() or "de")
    return _download(pdf, "application/pdf", "meine-daten.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    user = request.user
    blockers = selectors.deletion_blockers(user=user)
    form = AccountDeleteForm(post_data(request))
    if form.is_valid() and not blockers:
        recent = bool(user.last_login and timezone.now() - user.last_login < FRESH_LOGIN)
        try:
            counts = services.account_delete(
                user=user,
                actor=user,
                password=form.cleaned_data["password"],
                recently_logged_in=recent,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            logout(request)
            return render(request, "privacy/deleted.html", {"counts": counts})
    return render(
        request,
        "privacy/delete.html",
        {
            "form": form,
            "blockers": blockers,
            "has_password": user.has_usable_password(),
        },
        status=400 if form.is_bound else 200,
    )

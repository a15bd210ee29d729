"""The back-office framework every module's staff pages use.

One pattern for every page: ``backoffice_view(permission)`` guards it, ``render_backoffice`` adds
the grouped section navigation, lists are paginated with ``paginate``, and a form posts to one
service call through ``submit_service``, which shows the service's errors at the fields (400) or
confirms and redirects. This app imports no domain app: sections come from the platform kit's
registry (``revier.core.kit``), which every module fills from its own ``AppConfig``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from revier.core import kit
from revier.core.next_url import forget_next, remember_next
from revier.core.views import post_data

PAGE_SIZE = 50
ACCESS_PERMISSION = kit.ACCESS_PERMISSION

__all__ = [
    "ACCESS_PERMISSION",
    "PAGE_SIZE",
    "apply_service_error",
    "backoffice_view",
    "paginate",
    "post_data",
    "render_backoffice",
    "sections_for",
    "submit_service",
]


def backoffice_view(permission: str = ACCESS_PERMISSION):
    """Staff-only view: logged in, TOTP set up, and ``permission`` in the active municipality."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            municipality = request.municipality
            if not user.has_perm(ACCESS_PERMISSION, municipality):
                raise PermissionDenied(
                    _("This page is only for staff of %(name)s.") % {"name": municipality.name}
                )
            if not is_mfa_enabled(user):
                # The page asked for is offered again once the second factor is set up.
                remember_next(request, request.get_full_path())
                messages.warning(
                    request,
                    _("Staff must set up two-factor authentication before using the back office."),
                )
                return redirect("mfa_activate_totp")
            forget_next(request)  # arrived: nothing left to offer after the set-up
            if not user.has_perm(permission, municipality):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sections_for(request) -> list[kit.BackofficeSection]:
    """The sections the person may open, in menu order, for the active municipality."""
    municipality = request.municipality
    return [
        s
        for s in kit.backoffice_sections()
        if request.user.has_perm(s.permission, municipality)
        and (not s.module or municipality.module_enabled(s.module))
    ]


def _navigation(request, current: str) -> list[dict]:
    """Sections grouped by module group, in the groups' order."""
    groups: dict[str, dict] = {}
    for s in sections_for(request):
        try:
            url = reverse(s.url_name)
        except NoReverseMatch:  # a module whose URLs are not mounted here
            continue
        group = kit.backoffice_group(s.group)
        entry = groups.setdefault(group.key, {"group": group, "items": [], "current": False})
        entry["items"].append({"section": s, "url": url, "current": s.key == current})
        entry["current"] = entry["current"] or s.key == current
    return sorted(groups.values(), key=lambda g: (g["group"].order, str(g["group"].label)))


def render_backoffice(
    request, template: str, context: dict, *, section: str, status: int = 200
) -> HttpResponse:
    """Render a back-office page with the navigation, ``section`` marked as the current one."""
    navigation = _navigation(request, section)
    context = {
        **context,
        "backoffice_navigation": navigation,
        # Pages for work use the width of the screen (base.html's containers).
        "wide_layout": True,
        # The flat list, for pages that list the sections (the dashboard).
        "backoffice_sections": [item for group in navigation for item in group["items"]],
    }
    return render(request, template, context, status=status)


def paginate(request, queryset, *, per_page: int = PAGE_SIZE):
    """One page of ``queryset``; every list in the back office is bounded by this."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's error to the form's fields (or to the form when no field fits)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit_service(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
) -> HttpResponse | None:
    """Call the service for a valid bound form; on success confirm and redirect.

    Returns the redirect, or None when the form is unbound, invalid, or the service refused (its
    errors are then on the form's fields and the caller renders the page again with 400).
    ``success`` and ``redirect_to`` may depend on the service's result.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        apply_service_error(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def form_status(form: forms.Form) -> int:
    """400 for a bound form that is shown again (it failed), else 200."""
    return 400 if form.is_bound else 200

"""The municipality's back office: staff and roles, audit log, feedback, settings."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def backoffice_view(permission: str = "accounts.access_backoffice"):
    """Staff-only view: logged in, TOTP set up, and ``permission`` in the active municipality."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            municipality = request.municipality
            if not user.has_perm("accounts.access_backoffice", municipality):
                raise PermissionDenied(
                    _("This page is only for staff of %(name)s.") % {"name": municipality.name}
                )
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    _("Staff must set up two-factor authentication before using the back office."),
                )
                return redirect("mfa_activate_totp")
            if not user.has_perm(permission, municipality):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@backoffice_view()
def dashboard(request):
    return render(request, "backoffice/dashboard.html")

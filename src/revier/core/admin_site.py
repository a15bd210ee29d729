"""Django admin for platform operators only. It sees all municipalities, so it runs with scopes
disabled — deliberately, and only here. Operators log in through allauth and must use TOTP."""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled


class OperatorAdminSite(admin.AdminSite):
    site_header = "Revier – Plattformbetrieb"
    site_title = "Revier"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_staff and not is_mfa_enabled(user):
                messages.warning(
                    request, _("Set up two-factor authentication before you use the back office.")
                )
                return redirect("mfa_activate_totp")
            with scopes_disabled():
                return inner(request, *args, **kwargs)

        wrapped.__name__ = getattr(view, "__name__", "admin_view")
        return wrapped

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)

"""API views scoped to one municipality: ``/api/v1/<slug:municipality>/…``."""

from allauth.mfa.utils import is_mfa_enabled
from django.utils.translation import gettext as _
from django_scopes import scope
from rest_framework import exceptions, permissions

from revier.core.api import MunicipalityAutoSchema
from revier.core.kit import ModuleDisabled
from revier.tenancy.selectors import municipality_by_slug


class MunicipalityAPIMixin:
    """For API views under ``/api/v1/<slug:municipality>/``.

    Resolves the municipality from the URL, activates its scope for the whole request (so every
    query is confined to it) and optionally requires a module to be switched on.
    """

    module: str | None = None
    municipality = None
    schema = MunicipalityAutoSchema()

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


class MunicipalityPermission(permissions.BasePermission):
    """Grants access when the user holds ``perm`` (a django-rules permission) for the view's
    municipality. Use it through :func:`HasMunicipalityPerm`; anonymous requests get 401, signed-in
    people without the permission 403.

    Like the back office, a browser session only counts once the person has two-factor
    authentication set up. API tokens are issued by the operator (``revier create-token``) and
    are the second factor's replacement for machines.
    """

    perm: str = ""

    def has_permission(self, request, view) -> bool:
        municipality = getattr(view, "municipality", None)
        if municipality is None or not self.perm:
            # Fail closed: a view without a municipality (or a class without a permission name)
            # never grants anything.
            return False
        user = request.user
        if not (user and user.is_authenticated and user.has_perm(self.perm, municipality)):
            return False
        if request.auth is None and not is_mfa_enabled(user):
            raise exceptions.PermissionDenied(
                _("Staff must set up two-factor authentication before using the API in a browser.")
            )
        return True


def HasMunicipalityPerm(perm: str) -> type[MunicipalityPermission]:
    """``permission_classes = [HasMunicipalityPerm("accounts.manage_staff")]``.

    DRF instantiates permission classes itself, so this builds a subclass bound to ``perm``.
    """
    name = "HasMunicipalityPerm_" + perm.replace(".", "_")
    return type(name, (MunicipalityPermission,), {"perm": perm, "__module__": __name__})

"""Permissions of staff in a municipality, from the roles they hold there.

Every module declares its permissions and the roles that hold them by default in its
``contribute()`` (``revier.core.kit.Permission``); this backend answers
``user.has_perm("app.perm", municipality)`` from that data and the person's ``StaffRole`` rows in
the municipality. An unknown permission, a missing municipality or an inactive user is refused
(fail closed). The back office shows the table of roles and permissions (``backoffice:roles``).
"""

from __future__ import annotations

from django_scopes import scope

from revier.accounts.models import StaffRole
from revier.core import kit

ACCESS_PERMISSION = kit.ACCESS_PERMISSION


def staff_roles(user, municipality) -> frozenset[str]:
    """The roles ``user`` holds in ``municipality``, cached on the user object per request."""
    if municipality is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = user.__dict__.setdefault("_revier_staff_roles", {})
    if municipality.pk not in cache:
        # An explicit scope: the roles asked about are those of exactly this municipality.
        with scope(municipality=municipality):
            cache[municipality.pk] = frozenset(
                StaffRole.objects.filter(user=user).values_list("role", flat=True)
            )
    return cache[municipality.pk]


def roles_with(permission: str) -> frozenset[str]:
    if permission == ACCESS_PERMISSION:
        return frozenset(r.key for r in kit.roles())
    return kit.roles_granting(permission)


class RolePermissionBackend:
    """Django authentication backend that only answers object permissions on a municipality."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm: str, obj=None) -> bool:
        if obj is None or not getattr(user, "is_active", False):
            return False
        if getattr(obj, "_meta", None) is None or obj._meta.label != "tenancy.Municipality":
            return False
        return bool(staff_roles(user, obj) & roles_with(perm))

    def has_module_perms(self, user, app_label: str) -> bool:
        return False

"""Permissions as predicates (django-rules). Object permissions take the municipality.

Usage: ``user.has_perm("accounts.manage_staff", municipality)``.
"""

import rules
from django_scopes import scope

from revier.accounts.models import StaffRole

Role = StaffRole.Role


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


def has_role(*roles: str):
    name = "has_role:" + "|".join(roles)

    @rules.predicate(name=name)
    def predicate(user, municipality) -> bool:
        return bool(staff_roles(user, municipality) & set(roles))

    return predicate


@rules.predicate
def is_municipal_staff(user, municipality) -> bool:
    return bool(staff_roles(user, municipality))


is_administrator = has_role(Role.ADMINISTRATOR)

rules.add_perm("accounts.access_backoffice", is_municipal_staff)
rules.add_perm("accounts.manage_staff", is_administrator)
rules.add_perm("tenancy.change_municipality", is_administrator)
rules.add_perm("core.view_auditlog", is_administrator)
rules.add_perm("portal.view_feedback", has_role(Role.ADMINISTRATOR, Role.MODERATOR))
rules.add_perm("news.manage_news", has_role(Role.ADMINISTRATOR, Role.MODERATOR))
rules.add_perm("services.manage_catalogue", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("delivery.view_deliveries", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("delivery.retry_deliveries", is_administrator)
rules.add_perm("forms.manage_forms", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("applications.view_applications", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("applications.manage_retention", is_administrator)
rules.add_perm("payments.manage_fees", is_administrator)
rules.add_perm("cases.view_cases", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("cases.view_dashboard", has_role(Role.ADMINISTRATOR, Role.CASE_WORKER))
rules.add_perm("cases.manage_casework", is_administrator)  # workflows, templates, offices' members
rules.add_perm("notifications.manage_templates", is_administrator)
rules.add_perm("notifications.view_notifications", is_administrator)

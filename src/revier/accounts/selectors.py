"""Reads of people and staff roles."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from revier.accounts.models import StaffRole, User


def staff_list(*, municipality, role: str | None = None) -> QuerySet[User]:
    """The people holding at least one role (or ``role``) in ``municipality``, by e-mail.

    Each person carries ``municipal_roles``: their roles in this municipality only, so a person
    working for two municipalities never shows the other one's roles. Three queries at most
    (with pagination's count), whatever the number of people.
    """
    roles = StaffRole.objects.filter(municipality=municipality)
    matching = roles.filter(user=OuterRef("pk"))
    if role:
        matching = matching.filter(role=role)
    return (
        User.objects.filter(Exists(matching))
        .order_by("email")
        .prefetch_related(
            Prefetch("staff_roles", queryset=roles.order_by("role"), to_attr="municipal_roles")
        )
    )

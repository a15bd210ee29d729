"""Reads of people, staff roles, organisations and the audit log.

Every function needs a bounded number of queries whatever the number of rows (prefetching
instead of per-row lookups), so that lists stay fast for large municipalities.
"""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from revier.accounts.models import Membership, Organisation, StaffRole, User


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


def staff_member_get(*, municipality, user_id: int) -> User | None:
    """One staff member of ``municipality`` (with ``municipal_roles``), or None if the person
    holds no role there: staff of other municipalities stay invisible."""
    return staff_list(municipality=municipality).filter(pk=user_id).first()


def user_organisations(*, user: User) -> QuerySet[Membership]:
    """The memberships of ``user``, with their organisation, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def organisation_for_member(*, user: User, organisation_id: int) -> Membership | None:
    """The membership through which ``user`` sees the organisation, or None for outsiders."""
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )

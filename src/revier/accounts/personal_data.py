"""The account's part of a person's data export and erasure (see ``revier.core.kit.
PersonalDataProvider``): the profile, organisations, staff roles.

Staff roles belong to a municipality each (tenant-scoped); they are read across municipalities
with ``scopes_disabled()``, narrowly, and every query is filtered by the person (``user``).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from revier.accounts.models import Membership, Organisation, StaffRole


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _account(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "form_of_address": user.form_of_address,
        "preferred_language": user.preferred_language,
        "birth_date": _iso(user.birth_date),
        "street": user.street,
        "postcode": user.postcode,
        "city": user.city,
        "phone": user.phone,
        "trust_level": user.trust_level,
        "trust_level_at": _iso(user.trust_level_at),
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "has_password": user.has_usable_password(),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "second_factors": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }


def export(*, user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    with scopes_disabled():
        roles = list(StaffRole.objects.filter(user=user).select_related("municipality"))
    return {
        "account": _account(user),
        "organisations": [
            {
                "name": m.organisation.name,
                "kind": m.organisation.kind,
                "register_number": m.organisation.register_number,
                "role": m.role,
                "member_since": _iso(m.created_at),
            }
            for m in memberships
        ],
        "staff_roles": [
            {
                "municipality": r.municipality.name,
                "role": r.role,
                "granted_at": _iso(r.granted_at),
            }
            for r in roles
        ],
    }


def erase_blockers(*, user) -> list[str]:
    reasons = []
    with scopes_disabled():
        municipalities = sorted(
            set(StaffRole.objects.filter(user=user).values_list("municipality__name", flat=True))
        )
    if municipalities:
        reasons.append(
            _("You hold staff roles in %(names)s. Ask an administrator there to remove them first.")
            % {"names": ", ".join(municipalities)}
        )
    last_admin_of = (
        Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
        .annotate(
            admins=Count(
                "organisation__memberships",
                filter=Q(organisation__memberships__role=Membership.Role.ADMIN),
            ),
            members=Count("organisation__memberships"),
        )
        .filter(admins=1, members__gt=1)
        .values_list("organisation__name", flat=True)
    )
    for name in last_admin_of:
        reasons.append(
            _(
                "You are the last administrator of %(name)s. Make another member administrator "
                "first."
            )
            % {"name": name}
        )
    return reasons


def erase(*, user) -> dict[str, int]:
    """Memberships go; an organisation of which the person is the only member goes too. The rest
    of the account (e-mail addresses, second factors, API token) goes with the user row."""
    sole = Organisation.objects.filter(memberships__user=user).annotate(
        members=Count("memberships")
    )
    sole_ids = [o.pk for o in sole if o.members == 1]
    Membership.objects.filter(user=user).delete()
    Organisation.objects.filter(pk__in=sole_ids).delete()
    # Not counted: the page after the deletion shows what the municipalities keep or deleted.
    return {}

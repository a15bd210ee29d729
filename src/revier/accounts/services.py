"""Writes of people, organisations and staff roles."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.core.audit import audit_log


def user_create(
    *,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    verified: bool = False,
) -> User:
    """Create a person. ``verified`` marks the e-mail address as confirmed (operators, demo)."""
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


@transaction.atomic
def organisation_create(*, name: str, admin: User, **fields) -> Organisation:
    organisation = Organisation(name=name, **fields)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=admin, role=Membership.Role.ADMIN)
    return organisation


@transaction.atomic
def membership_add(
    *, organisation: Organisation, user: User, role: str = Membership.Role.MEMBER, actor: User
) -> Membership:
    if not Membership.objects.filter(
        organisation=organisation, user=actor, role=Membership.Role.ADMIN
    ).exists():
        raise PermissionDenied(_("Only administrators of the organisation can add members."))
    membership, _created = Membership.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    return membership


def _require_staff_manager(*, municipality, actor) -> None:
    if not actor.has_perm("accounts.manage_staff", municipality):
        raise PermissionDenied(_("Only administrators of the municipality can manage staff."))


@transaction.atomic
def staff_role_grant(*, municipality, user: User, role: str, actor: User | None, request=None):
    """Give ``user`` a role in ``municipality``. ``actor`` None means the platform (demo, CLI)."""
    if actor is not None:
        _require_staff_manager(municipality=municipality, actor=actor)
    if role not in StaffRole.Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    try:
        with transaction.atomic():
            staff_role = StaffRole.objects.create(
                municipality=municipality, user=user, role=role, granted_by=actor
            )
    except IntegrityError:
        return StaffRole.objects.get(municipality=municipality, user=user, role=role)
    user.__dict__.pop("_revier_staff_roles", None)
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=user,
            summary=f"granted role {role}",
            request=request,
        )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, municipality, user: User, role: str, actor: User, request=None) -> None:
    _require_staff_manager(municipality=municipality, actor=actor)
    if role == StaffRole.Role.ADMINISTRATOR and user == actor:
        remaining = StaffRole.objects.filter(role=StaffRole.Role.ADMINISTRATOR).exclude(user=user)
        if not remaining.exists():
            raise ValidationError(
                _("You are the last administrator; appoint another one before leaving this role.")
            )
    deleted, _details = StaffRole.objects.filter(user=user, role=role).delete()
    user.__dict__.pop("_revier_staff_roles", None)
    if deleted:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=user,
            summary=f"revoked role {role}",
            request=request,
        )


@transaction.atomic
def staff_set_roles(
    *, municipality, user: User, roles: list[str], actor: User, request=None
) -> set[str]:
    """Make ``roles`` exactly the roles of ``user`` in ``municipality``."""
    _require_staff_manager(municipality=municipality, actor=actor)
    current = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    wanted = set(roles)
    for role in sorted(current - wanted):
        staff_role_revoke(
            municipality=municipality, user=user, role=role, actor=actor, request=request
        )
    for role in sorted(wanted - current):
        staff_role_grant(
            municipality=municipality, user=user, role=role, actor=actor, request=request
        )
    return wanted

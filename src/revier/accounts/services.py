"""Writes of people, organisations and staff roles."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.core import kit
from revier.core.audit import AuditContext, audit_log
from revier.core.documents.letter import FORMS_OF_ADDRESS
from revier.core.mail import send_templated_mail
from revier.tenancy.mail import municipality_sender


def user_create(
    *,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    form_of_address: str = "",
    verified: bool = False,
) -> User:
    """Create a person. ``verified`` marks the e-mail address as confirmed (operators, demo).
    ``form_of_address`` ("ms", "mr" or empty) is how letters address them."""
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            form_of_address=form_of_address,
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
def organisation_member_ensure(*, name: str, user: User) -> Membership:
    """The operator's path (``revier create-user --organisation``): ``user`` acts for the
    organisation called ``name`` — as a member of the one that exists, or as the administrator
    of a new one. No actor: the platform does it."""
    if not name.strip():
        raise ValidationError({"organisation": _("Enter the name of the organisation")})
    organisation = Organisation.objects.filter(name=name.strip()).order_by("pk").first()
    if organisation is None:
        organisation = organisation_create(name=name.strip(), admin=user)
        return Membership.objects.get(organisation=organisation, user=user)
    membership, _created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": Membership.Role.MEMBER}
    )
    return membership


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
def staff_role_grant(
    *, municipality, user: User, role: str, actor: User | None, context: AuditContext | None = None
):
    """Give ``user`` a role in ``municipality``. ``actor`` None means the platform (demo, CLI)."""
    if actor is not None:
        _require_staff_manager(municipality=municipality, actor=actor)
    if kit.role(role) is None:  # the roles the modules declare
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
            event="accounts.role_granted",
            params={"role": role},
            context=context,
        )
    return staff_role


@transaction.atomic
def staff_role_revoke(
    *, municipality, user: User, role: str, actor: User, context: AuditContext | None = None
) -> None:
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
            event="accounts.role_revoked",
            params={"role": role},
            context=context,
        )


@transaction.atomic
def staff_set_roles(
    *, municipality, user: User, roles: list[str], actor: User, context: AuditContext | None = None
) -> set[str]:
    """Make ``roles`` exactly the roles of ``user`` in ``municipality``."""
    _require_staff_manager(municipality=municipality, actor=actor)
    current = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    wanted = set(roles)
    for role in sorted(current - wanted):
        staff_role_revoke(
            municipality=municipality, user=user, role=role, actor=actor, context=context
        )
    for role in sorted(wanted - current):
        staff_role_grant(
            municipality=municipality, user=user, role=role, actor=actor, context=context
        )
    return wanted


@transaction.atomic
def staff_invite(
    *,
    municipality,
    email: str,
    roles: list[str],
    actor: User,
    first_name: str = "",
    last_name: str = "",
    context: AuditContext | None = None,
) -> User:
    """Make the person with ``email`` staff of ``municipality`` with ``roles`` and tell them.

    A person without an account gets one with an unusable password; their invitation carries a
    link to set a password (allauth's password reset key). Their address stays unverified until
    the first login, where allauth's mandatory verification confirms it.
    """
    _require_staff_manager(municipality=municipality, actor=actor)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        # Without a password user_create leaves the password unusable: the invitation link
        # is the only way in.
        user = user_create(email=email, first_name=first_name, last_name=last_name)
        audit_log(
            municipality=municipality,
            actor=actor,
            action="create",
            obj=user,
            summary="invited as staff",
            event="accounts.staff_invited",
            context=context,
        )
    elif StaffRole.objects.filter(user=user).exists():
        raise ValidationError(
            {"email": _("This person is already staff here. Change their roles instead.")}
        )
    for role in sorted(set(roles)):
        staff_role_grant(
            municipality=municipality, user=user, role=role, actor=actor, context=context
        )

    set_password_url = ""
    if not user.has_usable_password():
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        set_password_url = context.absolute_url(path) if context else path
    login_path = reverse("account_login")
    role_labels = [str(kit.role(role).label) for role in sorted(set(roles)) if kit.role(role)]
    send_templated_mail(
        template="accounts/email/staff_invitation",
        context={
            "municipality": municipality,
            "user": user,
            "inviter": actor,
            "roles": role_labels,
            "set_password_url": set_password_url,
            "login_url": context.absolute_url(login_path) if context else login_path,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        to=[user.email],
        language=user.preferred_language or None,
        sender=municipality_sender(municipality),
    )
    return user


@transaction.atomic
def staff_remove(
    *, municipality, user: User, actor: User, context: AuditContext | None = None
) -> None:
    """Take every role in ``municipality`` from ``user``; the person's account stays."""
    staff_set_roles(municipality=municipality, user=user, roles=[], actor=actor, context=context)


def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    preferred_language: str,
    form_of_address: str = "",
) -> User:
    if preferred_language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"preferred_language": _("Choose one of the offered languages.")})
    user.preferred_language = preferred_language
    return user_set_name(
        user=user,
        first_name=first_name,
        last_name=last_name,
        form_of_address=form_of_address,
        also=["preferred_language"],
    )


def user_set_name(
    *, user: User, first_name: str, last_name: str, form_of_address: str = "", also=()
) -> User:
    """The person's name and the form of address letters use ("ms", "mr" or empty)."""
    if form_of_address not in {"", *dict(FORMS_OF_ADDRESS)}:
        raise ValidationError({"form_of_address": _("Choose one of the offered forms of address.")})
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.form_of_address = form_of_address
    user.full_clean(validate_unique=False)
    user.save(update_fields=["first_name", "last_name", "form_of_address", *also])
    return user


def _require_organisation_admin(*, organisation: Organisation, actor: User) -> None:
    if not Membership.objects.filter(
        organisation=organisation, user=actor, role=Membership.Role.ADMIN
    ).exists():
        raise PermissionDenied(_("Only administrators of the organisation can manage members."))


def _keep_one_admin(*, organisation: Organisation, losing: User) -> None:
    """An organisation without an administrator could never be managed again."""
    others = Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
    if not others.exclude(user=losing).exists():
        raise ValidationError(
            _("An organisation needs at least one administrator; appoint another one first.")
        )


@transaction.atomic
def membership_invite(
    *, organisation: Organisation, email: str, role: str, actor: User
) -> Membership:
    """Add the existing person with ``email`` to ``organisation``."""
    _require_organisation_admin(organisation=organisation, actor=actor)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose one of the offered roles.")})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Nobody with this e-mail address has an account. Ask the person to sign up "
                    "first."
                )
            }
        )
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    return membership_add(organisation=organisation, user=user, role=role, actor=actor)


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    # Lock the organisation's memberships so two admins cannot demote each other at once.
    list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id))
    _require_organisation_admin(organisation=membership.organisation, actor=actor)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose one of the offered roles.")})
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        _keep_one_admin(organisation=membership.organisation, losing=membership.user)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id))
    _require_organisation_admin(organisation=membership.organisation, actor=actor)
    if membership.role == Membership.Role.ADMIN:
        _keep_one_admin(organisation=membership.organisation, losing=membership.user)
    membership.delete()


# Profile fields an identity provider may fill; it never overwrites what the person entered.
IDENTITY_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "street",
    "postcode",
    "city",
    "phone",
)


@transaction.atomic
def user_record_identity_login(*, user: User, trust_level: str, profile: dict) -> User:
    """Store what a login through an identity provider (OIDC) reported: the trust level of this
    login (empty when the provider reported none we know) and the empty profile fields."""
    from django.utils import timezone

    from revier.accounts.models import TrustLevel

    if trust_level not in TrustLevel.values:
        trust_level = ""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.trust_level = trust_level
    user.trust_level_at = timezone.now() if trust_level else None
    changed = ["trust_level", "trust_level_at"]
    for field in IDENTITY_PROFILE_FIELDS:
        value = profile.get(field)
        if value and not getattr(user, field):
            setattr(user, field, value)
            changed.append(field)
    user.save(update_fields=changed)
    return user

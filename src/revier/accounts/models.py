"""People, organisations acting through their members, and staff roles per municipality."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core import kit
from revier.core.documents.letter import FORMS_OF_ADDRESS
from revier.core.models import TenantOwnedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class TrustLevel(models.TextChoices):
    """Vertrauensniveau of an identity (eIDAS / TR-03107), as an identity provider reports it.

    BundID reports STORK-QAA levels; ``revier.accounts.oidc`` maps what the provider sends to
    these. A local account with a verified e-mail address has no level (empty).
    """

    LOW = "low", _("low (Basisregistrierung)")
    SUBSTANTIAL = "substantial", _("substantial (e.g. ELSTER certificate)")
    HIGH = "high", _("high (eID, Online-Ausweis)")

    @classmethod
    def rank(cls, level: str) -> int:
        return {"": 0, cls.LOW: 1, cls.SUBSTANTIAL: 2, cls.HIGH: 3}.get(level or "", 0)


class User(AbstractUser):
    """A person. Logs in with a verified e-mail address; ``is_staff`` means platform operator
    (Django admin), while town-hall staff hold a ``StaffRole`` in their municipality."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    # How letters address the person ("Sehr geehrte Frau Schmidt,"); empty: by name only
    # ("Guten Tag Anna Schmidt,").
    form_of_address = models.CharField(
        _("form of address"), max_length=8, choices=FORMS_OF_ADDRESS, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, default="de"
    )

    # The level of the last login through an identity provider; a local login keeps none.
    trust_level = models.CharField(
        _("trust level"), max_length=12, choices=TrustLevel.choices, blank=True
    )
    trust_level_at = models.DateTimeField(_("trust level confirmed"), null=True, blank=True)
    # Profile data for pre-filling forms (FIM fields that allow it), entered by the person or
    # taken from the identity provider.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """A company, association or public body. Not tenant-owned: a company may act in many
    municipalities of the region (e.g. booking desks in one, applying for funding in another)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        ASSOCIATION = "association", _("association")
        PUBLIC_BODY = "public_body", _("public body")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    register_number = models.CharField(
        _("register number"),
        max_length=50,
        blank=True,
        help_text=_("e.g. HRB 12345, Amtsgericht Stendal"),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person acting for an organisation. Admins manage members; members act for it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="accounts_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class StaffRole(TenantOwnedModel):
    """A role of a staff member in one municipality. One row per role held."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("administrator")
        CASE_WORKER = "case_worker", _("case worker")
        HUB_MANAGER = "hub_manager", _("hub manager")
        ARCHIVIST = "archivist", _("archivist")
        PLANNER = "planner", _("planner")
        FUNDING_OFFICER = "funding_officer", _("funding officer")
        MODERATOR = "moderator", _("moderator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    # The roles are those the modules declare (revier.core.kit.Role); a callable, so a new
    # module's role needs no migration here.
    role = models.CharField(_("role"), max_length=32, choices=kit.role_choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user", "role"], name="accounts_staffrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

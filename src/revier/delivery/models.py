"""Where a municipality's submissions go (routes), and each handover (deliveries)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel

leika_validator = RegexValidator(
    r"^99\d{12}$", _("A LeiKa key has 14 digits and starts with 99."), code="leika"
)


class DeliveryRoute(TenantOwnedModel):
    """The delivery plugin (with its options) for one service of one municipality.

    Options that are secrets (``plugin.secret_options``) are not in ``options`` but sealed in
    ``secrets_sealed`` (AES-GCM, key derived from SECRET_KEY; see ``revier.core.crypto``).
    """

    leika = models.CharField(_("LeiKa key"), max_length=14, validators=[leika_validator])
    plugin = models.CharField(_("delivery route"), max_length=40)
    options = models.JSONField(_("options"), default=dict, blank=True)
    secrets_sealed = models.TextField(_("sealed secrets"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery route")
        verbose_name_plural = _("delivery routes")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "leika"], name="delivery_route_unique_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leika} → {self.plugin}"


class Delivery(TenantOwnedModel):
    """One package handed to one route. Persisted before the first attempt, delivered once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        RETRYING = "retrying", _("failed, will be retried")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    class Answer(models.TextChoices):
        NONE = "", _("no answer yet")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    reference = models.CharField(_("reference number"), max_length=64)
    leika = models.CharField(_("LeiKa key"), max_length=14, validators=[leika_validator])
    service_name = models.CharField(_("service"), max_length=300)
    # The route of the latest attempt; empty before the first.
    plugin = models.CharField(_("delivery route"), max_length=40, blank=True)
    # The whole DeliveryPackage (``DeliveryPackage.to_bytes``), sealed: it holds personal data.
    # Emptied once handed over, or when the application's retention period ends.
    package_sealed = models.BinaryField(editable=False)
    package_discarded_at = models.DateTimeField(_("package removed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    submission_id = models.CharField(_("submission id"), max_length=100, blank=True)
    case_id = models.CharField(_("case id"), max_length=100, blank=True)
    # What the receiver's accept must name (FIT-Connect: the JWE authentication tags sent).
    authentication_tags = models.JSONField(default=dict, blank=True, editable=False)
    # The receiving authority's answer, for routes that can read it (``reads_answers``).
    answer = models.CharField(
        _("answer of the authority"),
        max_length=16,
        choices=Answer.choices,
        default=Answer.NONE,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_problems = models.JSONField(_("problems reported"), default=list, blank=True)
    # Why the answer could not be read last time (the receiver unreachable, a bad signature).
    answer_error = models.TextField(_("error reading the answer"), blank=True)
    answer_next_check_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    # Who holds the "sending" claim: "host:pid" of the process. A claim of a process that is gone
    # from this host is taken over at once instead of after the lease (worker killed).
    sending_by = models.CharField(max_length=200, blank=True, editable=False)
    # What the receiver knows of an unfinished handover, recorded before each step that hands
    # something over (FIT-Connect: the announced submission, its attachment ids and the tags
    # sent), so that a later attempt continues or confirms it instead of starting another one.
    handover = models.JSONField(default=dict, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One delivery per submission: a replayed enqueue cannot create a second one.
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="delivery_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(
                fields=["answer_next_check_at"],
                condition=models.Q(answer_next_check_at__isnull=False),
                name="delivery_answer_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class MunicipalityKey(TenantOwnedModel):
    """The key pair the municipality's own back office receives packages with (RSA-4096)."""

    kid = models.CharField(max_length=64)
    public_jwk = models.JSONField()
    private_jwk_sealed = models.TextField(editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality key")
        verbose_name_plural = _("municipality keys")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kid"], name="delivery_key_unique_kid"),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(is_active=True),
                name="delivery_key_one_active",
            ),
        ]

    def __str__(self) -> str:
        return self.kid


class ReceivedPackage(TenantOwnedModel):
    """A package delivered to the back office, still encrypted exactly as FIT-Connect carries it.

    Decrypted on demand with the municipality's key (``services.received_package_open``).
    """

    delivery = models.OneToOneField(
        Delivery, on_delete=models.PROTECT, related_name="received_package"
    )
    key = models.ForeignKey(MunicipalityKey, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference number"), max_length=64)
    leika = models.CharField(_("LeiKa key"), max_length=14)
    service_name = models.CharField(_("service"), max_length=300)
    encrypted_metadata = models.TextField()
    encrypted_data = models.TextField()
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("received package")
        verbose_name_plural = _("received packages")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="delivery_received_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class ReceivedAttachment(TenantOwnedModel):
    package = models.ForeignKey(
        ReceivedPackage, on_delete=models.CASCADE, related_name="attachments"
    )
    attachment_id = models.UUIDField()
    encrypted_content = models.TextField()

    class Meta:
        verbose_name = _("received attachment")
        verbose_name_plural = _("received attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "package", "attachment_id"],
                name="delivery_received_attachment_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.attachment_id)

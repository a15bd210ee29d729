"""Applications of residents and companies for a municipality's online services.

An application is created as a draft with its reference number reserved up front; the answers
are kept twice: ``raw`` holds what was typed on each page (also when invalid, so nothing is lost),
``data`` the typed answers keyed as the form version's JSON Schema. Submitting is one status
transition under a row lock, so a double click or a replayed request submits once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel


class ReferenceCounter(TenantOwnedModel):
    """The last reference number handed out per municipality and year (one upsert draws the
    next, see ``services.reference_reserve``)."""

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="applications_counter_unique"
            )
        ]


class Application(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING_PAYMENT = "awaiting_payment", _("waiting for payment")
        SUBMITTED = "submitted", _("submitted")
        FAILED = "failed", _("payment failed")

    reference = models.CharField(_("reference number"), max_length=32)
    form_version = models.ForeignKey(
        "revier_forms.FormVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("form version"),
    )
    leika = models.CharField(_("LeiKa key"), max_length=14)
    service_name = models.CharField(_("service"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("on behalf of"),
    )
    email = models.EmailField(_("e-mail for replies"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # SHA-256 of the private link's token; the token itself is only ever in the e-mail.
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    raw = models.JSONField(_("entered answers"), default=dict, blank=True)
    data = models.JSONField(_("answers"), default=dict, blank=True)
    pay_online = models.BooleanField(_("pays online"), default=False)
    declaration_at = models.DateTimeField(_("declaration accepted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    receipt = models.BinaryField(_("receipt (PDF)"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="applications_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "applicant", "-created_at"], name="appl_mine"),
            models.Index(fields=["status", "updated_at"], name="appl_retention"),
        ]

    def __str__(self) -> str:
        return self.reference


class Upload(TenantOwnedModel):
    """A file answered to a file field, checked (size, type by content, virus scan) on arrival."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    path = models.CharField(_("field"), max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["application", "path"]
        constraints = [
            # The municipality first, as in every unique constraint of a tenant table (Citus).
            models.UniqueConstraint(
                fields=["municipality", "application", "path"], name="applications_upload_path"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class IdempotencyKey(TenantOwnedModel):
    """An API client's ``Idempotency-Key``: a repeated request returns the first answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    application = models.ForeignKey(
        Application, null=True, on_delete=models.CASCADE, related_name="+"
    )
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user", "key"], name="applications_idempotency_unique"
            )
        ]


class RetentionPolicy(TenantOwnedModel):
    """How long the applications of one form are kept (defaults in ``DEFAULT_RETENTION``)."""

    class Action(models.TextChoices):
        DELETE = "delete", _("delete")
        ANONYMISE = "anonymise", _("anonymise (keep reference, service and dates)")

    form = models.OneToOneField(
        "revier_forms.Form", on_delete=models.CASCADE, related_name="retention_policy"
    )
    draft_days = models.PositiveIntegerField(_("keep drafts (days)"), default=30)
    submitted_days = models.PositiveIntegerField(
        _("keep submitted applications (days)"), default=365
    )
    failed_days = models.PositiveIntegerField(
        _("keep unpaid or failed applications (days)"), default=90
    )
    action = models.CharField(
        _("after that"), max_length=16, choices=Action.choices, default=Action.ANONYMISE
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.form}: {self.draft_days}/{self.submitted_days}/{self.failed_days}"

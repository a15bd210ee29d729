"""Case work: every submission delivered to the municipality's own back office becomes a case.

The model follows Open Zaak's case model in small: a case has a status from a workflow configured
per service, a result when it is decided, roles (the applicant, the responsible office, the
assigned clerk), documents (the delivered attachments and receipt, decisions) and a timeline of
events. Messages between the town hall and the applicant hang off the case; their content is only
ever shown after login (the notification e-mail carries a link, never the text).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel


class StatusKind(models.TextChoices):
    """What a workflow status means to the platform (filters, deadlines, the applicant's view)."""

    OPEN = "open", _("open")
    WAITING = "waiting", _("waiting for the applicant")
    DECIDED = "decided", _("decided")
    CLOSED = "closed", _("closed")
    ERROR = "error", _("intake failed")


class Workflow(TenantOwnedModel):
    """The statuses and allowed transitions for the cases of one service (``leika``) or, with an
    empty ``leika``, the municipality's default. Without any row the code default applies
    (``revier.cases.workflow.DEFAULT_WORKFLOW``).

    ``statuses`` is a list of ``{"key", "label_de", "label_en", "kind"}``; ``transitions`` maps a
    status key to the keys it may move to. Validated by ``workflow.workflow_validate``.
    """

    leika = models.CharField(_("LeiKa key"), max_length=14, blank=True)
    name = models.CharField(_("name"), max_length=200)
    statuses = models.JSONField(_("statuses"), default=list)
    transitions = models.JSONField(_("transitions"), default=dict)
    initial = models.CharField(_("initial status"), max_length=40, default="received")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["leika"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "leika"], name="cases_workflow_unique")
        ]

    def __str__(self) -> str:
        return self.name


class OfficeMember(TenantOwnedModel):
    """A case worker working for one office (Organisationseinheit). A case worker assigned to
    offices sees the cases of those offices only; one assigned to none sees every case of the
    municipality (small towns with one Bürgerbüro). Administrators see every case."""

    office = models.ForeignKey(
        "services.Office",
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("office"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_memberships"
    )

    class Meta:
        verbose_name = _("office member")
        verbose_name_plural = _("office members")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "office", "user"], name="cases_officemember_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.office}"


class Case(TenantOwnedModel):
    class Result(models.TextChoices):
        GRANTED = "granted", _("granted")
        PARTLY_GRANTED = "partly_granted", _("partly granted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        SETTLED = "settled", _("settled otherwise")

    reference = models.CharField(_("reference number"), max_length=64)
    leika = models.CharField(_("LeiKa key"), max_length=14)
    service_name = models.CharField(_("service"), max_length=300)
    received_package = models.OneToOneField(
        "delivery.ReceivedPackage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("application"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("applicant"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("on behalf of"),
    )
    applicant_name = models.CharField(_("applicant's name"), max_length=300, blank=True)
    applicant_email = models.EmailField(_("applicant's e-mail"), blank=True)
    data = models.JSONField(_("answers"), default=dict, blank=True)
    office = models.ForeignKey(
        "services.Office",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("responsible office"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=40, default="received")
    # Denormalised from the workflow so that inbox filters need no join and no Python.
    status_kind = models.CharField(
        _("state"), max_length=10, choices=StatusKind.choices, default=StatusKind.OPEN
    )
    intake_error = models.TextField(_("intake error"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    result_note = models.TextField(_("result note"), blank=True)
    received_at = models.DateTimeField(_("received"))
    due_date = models.DateField(_("due"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Lower-cased reference, applicant and service, for the inbox search.
    search_text = models.TextField(editable=False, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="cases_unique_ref")
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "-received_at"], name="case_inbox"),
            # The inbox without a status filter, newest first, and filtered by state.
            models.Index(fields=["municipality", "-received_at", "-id"], name="case_received"),
            models.Index(
                fields=["municipality", "status_kind", "-received_at", "-id"],
                name="case_kind_received",
            ),
            models.Index(fields=["municipality", "status_kind", "due_date"], name="case_kind_due"),
            models.Index(
                fields=["municipality", "office", "status_kind", "-received_at"],
                name="case_office",
            ),
            models.Index(
                fields=["municipality", "assignee", "status_kind", "-received_at"],
                name="case_assignee",
            ),
            models.Index(fields=["applicant", "-received_at"], name="case_applicant"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(TenantOwnedModel):
    """One entry of the case's timeline. ``public`` entries are shown to the applicant."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("received")
        STATUS = "status", _("status changed")
        ASSIGNED = "assigned", _("assigned")
        NOTE = "note", _("internal note")
        MESSAGE = "message", _("message")
        DECISION = "decision", _("decision")
        PAYMENT = "payment", _("payment recorded")
        CLOSED = "closed", _("closed")
        ERROR = "error", _("error")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(max_length=40, blank=True)
    to_status = models.CharField(max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    public = models.BooleanField(_("shown to the applicant"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case")]


class CaseDocument(TenantOwnedModel):
    """A file of the case: a delivered attachment, the receipt, a decision, a reply's file."""

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", _("attachment")
        RECEIPT = "receipt", _("receipt")
        DECISION = "decision", _("decision")
        REPLY = "reply", _("sent by the applicant")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    # Shown to the applicant in their account (decisions sent, their own files).
    public = models.BooleanField(_("visible to the applicant"), default=False)
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Message(TenantOwnedModel):
    """A message between the town hall and the applicant about one case."""

    class Direction(models.TextChoices):
        TO_APPLICANT = "to_applicant", _("to the applicant")
        FROM_APPLICANT = "from_applicant", _("from the applicant")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sender"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # A request for missing information or documents: the case waits until it is answered.
    requests_information = models.BooleanField(_("requests information"), default=False)
    answer_due = models.DateField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="message_case")]

    def __str__(self) -> str:
        return self.subject


class DecisionTemplate(TenantOwnedModel):
    """A Bescheid template; ``body`` may use ``{{ case.reference }}``-style placeholders from a
    fixed, documented set (see ``revier.cases.decision``)."""

    name = models.CharField(_("name"), max_length=200)
    leika = models.CharField(_("LeiKa key"), max_length=14, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Case.Result.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("decision template")
        verbose_name_plural = _("decision templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Decision(TenantOwnedModel):
    """A decision (Bescheid) written for a case, rendered to PDF and kept as a document."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    template = models.ForeignKey(
        DecisionTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=Case.Result.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    document = models.OneToOneField(
        CaseDocument, null=True, on_delete=models.SET_NULL, related_name="decision"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at"]


class CasePayment(TenantOwnedModel):
    """A fee payment recorded by staff (cash desk, bank transfer) or by the online provider."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    kassenzeichen = models.CharField(_("Kassenzeichen"), max_length=40, blank=True)
    method = models.CharField(_("method"), max_length=40)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]

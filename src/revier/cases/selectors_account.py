"""Reads of the applicant's side: their applications with the case status, the mailbox, and the
same across all municipalities for the ``me`` API.

Who sees what (issue 4, "according to their role there"):

- A person sees their own applications, drafts included.
- Every member of an organisation, administrator or member, sees the organisation's *sent*
  applications and their cases, reads the town hall's messages and may answer them: a company
  account acts for the organisation, and any member may file for it (``application_start``
  allows every membership). This matches ``selectors.case_owned_by``, which decides who may
  answer. The administrator's extra right is managing the members (accounts app).
- A draft stays with the person who started it until it is sent: only they can continue it.

A message is read or unread for the case, not per member: when one member of an organisation
reads it, it counts as read for everybody (the town hall wrote to the organisation).
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from revier.accounts.models import Membership
from revier.applications.models import Application
from revier.cases.models import Case, CaseDocument, CaseEvent, Message, Workflow
from revier.cases.workflow import DEFAULT_WORKFLOW, definition_from_row, workflows_for
from revier.delivery.models import Delivery

MINE = "me"


def organisation_ids(*, user) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def _visible_applications(user, organisations) -> Q:
    """Own applications (drafts too) and the organisations' sent ones."""
    return Q(applicant=user) | (
        Q(organisation_id__in=organisations) & ~Q(status=Application.Status.DRAFT)
    )


def _with_case(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate the case status and kind: one subquery each, no query per row."""
    cases = Case.objects.filter(
        application_id=OuterRef("pk"), municipality_id=OuterRef("municipality_id")
    ).order_by("-received_at")
    return qs.annotate(
        case_status=Subquery(cases.values("status")[:1]),
        case_status_kind=Subquery(cases.values("status_kind")[:1]),
        case_result=Subquery(cases.values("result")[:1]),
    )


def applicant_status_label(label: str, *, kind: str, result: str) -> str:
    """What the applicant reads as the status: the outcome ("bewilligt", "abgelehnt",
    "teilweise bewilligt") once the case is decided, not the office's word for the step
    ("entschieden")."""
    from revier.cases.models import StatusKind

    if result in Case.Result.values and kind in (StatusKind.DECIDED, StatusKind.CLOSED):
        return str(Case.Result(result).label)
    return label


def account_applications(*, user, who: str = "") -> QuerySet[Application]:
    """The person's applications in the active municipality, newest first.

    ``who``: empty for everything, ``"me"`` for the person's own (not filed for an
    organisation), or an organisation id (the caller checks the membership).
    """
    organisations = organisation_ids(user=user)
    qs = Application.objects.filter(_visible_applications(user, organisations))
    if who == MINE:
        qs = qs.filter(applicant=user, organisation__isnull=True)
    elif who:
        qs = qs.filter(organisation_id=int(who)).exclude(status=Application.Status.DRAFT)
    deliveries = Delivery.objects.filter(
        reference=OuterRef("reference"), municipality_id=OuterRef("municipality_id")
    )
    return (
        _with_case(qs)
        .annotate(
            delivery_status=Subquery(deliveries.values("status")[:1]),
            # The authority's answer where the route reads one (FIT-Connect).
            delivery_answer=Subquery(deliveries.values("answer")[:1]),
        )
        .select_related("organisation")
        .only(
            "reference",
            "leika",
            "service_name",
            "status",
            "applicant",
            "organisation__name",
            "created_at",
            "updated_at",
            "submitted_at",
            "municipality",
        )
        .order_by("-created_at", "-id")
    )


def status_labels(applications) -> None:
    """Set ``status_label`` on each application of the active municipality: the case's
    workflow label where the application became a case, else the application's own status.
    One query for all workflows."""
    applications = list(applications)
    workflows = workflows_for({a.leika for a in applications if a.case_status})
    for a in applications:
        if not a.case_status:
            a.status_label = a.get_status_display()
            continue
        a.status_label = applicant_status_label(
            workflows[a.leika].label(a.case_status),
            kind=a.case_status_kind,
            result=a.case_result or "",
        )


def account_application_get(*, user, reference: str) -> Application | None:
    """The application if the person may see it (see the module docstring), else None."""
    organisations = organisation_ids(user=user)
    return (
        Application.objects.filter(_visible_applications(user, organisations))
        .select_related("organisation")
        .defer("receipt", "raw", "data")
        .filter(reference=reference)
        .first()
    )


def application_delivery(*, application: Application) -> Delivery | None:
    """The handover of the application to the office (status and the office's answer)."""
    return (
        Delivery.objects.filter(reference=application.reference)
        .only("status", "answer", "answered_at")
        .first()
    )


def account_case_get(*, user, reference: str) -> Case | None:
    """The case of ``reference`` if the person owns it (applicant or organisation member)."""
    organisations = organisation_ids(user=user)
    return (
        Case.objects.filter(Q(applicant=user) | Q(organisation_id__in=organisations))
        .select_related("organisation")
        .defer("data", "search_text")
        .filter(reference=reference)
        .first()
    )


def case_timeline(*, case: Case) -> list[CaseEvent]:
    """The public entries of the case's timeline, oldest first, each with ``label``."""
    events = list(
        CaseEvent.objects.filter(case=case, public=True).only(
            "kind", "to_status", "text", "created_at", "case_id"
        )
    )
    workflow = workflows_for([case.leika])[case.leika]
    for event in events:
        event.status_label = (
            applicant_status_label(
                workflow.label(event.to_status),
                kind=workflow.kind(event.to_status),
                result=case.result,
            )
            if event.to_status
            else ""
        )
        event.label = _event_label(event, result=case.result)
    return events


def _event_label(event: CaseEvent, *, result: str = "") -> str:
    kind = CaseEvent.Kind
    if event.kind == kind.RECEIVED:
        return _("Application received")
    if event.kind == kind.STATUS:
        return _("Status: %(status)s") % {"status": event.status_label}
    if event.kind == kind.MESSAGE:
        return _("Message: %(subject)s") % {"subject": event.text}
    if event.kind == kind.DECISION:
        if result in Case.Result.values:
            return _("Decision issued: %(result)s") % {"result": Case.Result(result).label}
        return _("Decision issued")
    if event.kind == kind.PAYMENT:
        return _("Payment recorded")
    if event.kind == kind.CLOSED:
        return _("Case closed")
    return str(event.get_kind_display())


def case_documents(*, case: Case) -> list[CaseDocument]:
    return list(
        CaseDocument.objects.filter(case=case, public=True)
        .defer("content")
        .order_by("created_at", "id")
    )


def case_document_get(*, case: Case, pk: int) -> CaseDocument | None:
    return CaseDocument.objects.filter(case=case, public=True, pk=pk).first()


def case_messages(*, case: Case) -> list[Message]:
    """Both directions, newest first, with their public files."""
    from django.db.models import Prefetch

    return list(
        Message.objects.filter(case=case)
        .select_related("sender")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=CaseDocument.objects.filter(public=True).defer("content"),
                to_attr="public_documents",
            )
        )
        .order_by("-created_at", "-id")
    )


def _cases_of(user) -> Q:
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    return Q(case__applicant=user) | Q(case__organisation_id__in=organisations)


def mailbox(*, user) -> QuerySet[Message]:
    """The town hall's messages to the person (and their organisations) in the active
    municipality, newest first."""
    return (
        Message.objects.filter(_cases_of(user), direction=Message.Direction.TO_APPLICANT)
        .select_related("case")
        .only(
            "subject",
            "created_at",
            "read_at",
            "requests_information",
            "answer_due",
            "answered_at",
            "case__reference",
            "case__service_name",
        )
        .order_by("-created_at", "-id")
    )


def mailbox_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return mailbox(user=user).filter(read_at__isnull=True).count()


def mailbox_message_get(*, user, pk: int) -> Message | None:
    return (
        Message.objects.filter(_cases_of(user), direction=Message.Direction.TO_APPLICANT, pk=pk)
        .select_related("case")
        .prefetch_related(
            _public_documents_prefetch(),
        )
        .first()
    )


def _public_documents_prefetch():
    from django.db.models import Prefetch

    return Prefetch(
        "documents",
        queryset=CaseDocument.objects.filter(public=True).defer("content"),
        to_attr="public_documents",
    )


# --- across municipalities (the ``me`` API) ---------------------------------------------------
#
# These answer one person about their own data in every municipality, so no single tenant scope
# fits. ``scopes_disabled`` is used narrowly inside each function, and every query filters on
# the person explicitly (applicant, organisation membership): nobody else's rows can match.


def me_applications(*, user) -> QuerySet[Application]:
    with scopes_disabled():
        organisations = organisation_ids(user=user)
        return (
            _with_case(Application.objects.filter(_visible_applications(user, organisations)))
            .select_related("municipality")
            .prefetch_related("municipality__domains")
            .only(
                "reference",
                "leika",
                "service_name",
                "status",
                "submitted_at",
                "created_at",
                "municipality",
                "municipality__slug",
                "municipality__name",
            )
            .order_by("-created_at", "-id")
        )


def me_status_labels(applications) -> None:
    """``status_label`` for applications of many municipalities: one query for the workflows
    of all municipalities and services on the page."""
    applications = list(applications)
    with_case = [a for a in applications if a.case_status]
    rows: dict[tuple[int, str], Workflow] = {}
    if with_case:
        with scopes_disabled():
            for row in Workflow.objects.filter(
                municipality_id__in={a.municipality_id for a in with_case},
                leika__in={a.leika for a in with_case} | {""},
            ):
                rows[(row.municipality_id, row.leika)] = row
    for a in applications:
        if not a.case_status:
            a.status_label = a.get_status_display()
            continue
        row = rows.get((a.municipality_id, a.leika)) or rows.get((a.municipality_id, ""))
        workflow = definition_from_row(row) if row else DEFAULT_WORKFLOW
        a.status_label = applicant_status_label(
            workflow.label(a.case_status), kind=a.case_status_kind, result=a.case_result or ""
        )


def me_messages(*, user) -> QuerySet[Message]:
    with scopes_disabled():
        return (
            Message.objects.filter(_cases_of(user), direction=Message.Direction.TO_APPLICANT)
            .select_related("case", "municipality")
            .only(
                "subject",
                "body",
                "created_at",
                "read_at",
                "requests_information",
                "answer_due",
                "answered_at",
                "case__reference",
                "municipality__slug",
            )
            .order_by("-created_at", "-id")
        )

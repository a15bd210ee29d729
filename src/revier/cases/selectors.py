"""Reads of case work, in the active municipality's scope.

Who sees which case: administrators every case of the municipality; a case worker assigned to
offices (``OfficeMember``) the cases of those offices and the cases assigned to them; a case
worker assigned to no office every case (a town with one Bürgerbüro). Nobody else.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django_scopes import scope

from revier.accounts.models import Membership, StaffRole
from revier.accounts.permissions import staff_roles
from revier.cases.models import (
    Case,
    CaseDocument,
    DecisionTemplate,
    OfficeMember,
    StatusKind,
    Workflow,
)


def _office_ids(user, municipality) -> list[int]:
    """The offices ``user`` works for in ``municipality``, cached on the user for the request."""
    cache = user.__dict__.setdefault("_revier_case_offices", {})
    if municipality.pk not in cache:
        with scope(municipality=municipality):
            cache[municipality.pk] = list(
                OfficeMember.objects.filter(user=user).values_list("office_id", flat=True)
            )
    return cache[municipality.pk]


def cases_visible(*, user, municipality=None) -> QuerySet[Case]:
    """The cases ``user`` may work on in the active municipality (none for non-staff)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if municipality is None:
        from django_scopes import get_scope

        municipality = get_scope().get("municipality")
        if municipality is None:
            return Case.objects.none()
    roles = staff_roles(user, municipality)
    if StaffRole.Role.ADMINISTRATOR in roles:
        return Case.objects.all()
    if StaffRole.Role.CASE_WORKER not in roles:
        return Case.objects.none()
    offices = _office_ids(user, municipality)
    if not offices:
        return Case.objects.all()
    return Case.objects.filter(Q(office_id__in=offices) | Q(assignee=user))


def case_visible_to(*, case: Case, user) -> bool:
    return cases_visible(user=user, municipality=case.municipality).filter(pk=case.pk).exists()


def case_get(*, pk: int) -> Case | None:
    return (
        Case.objects.select_related("office", "assignee", "applicant", "organisation")
        .filter(pk=pk)
        .first()
    )


def case_owned_by(*, case: Case, user) -> bool:
    """The applicant, or a member of the organisation the case was filed for."""
    if not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.pk:
        return True
    return bool(
        case.organisation_id
        and Membership.objects.filter(organisation_id=case.organisation_id, user=user).exists()
    )


def cases_of(*, user) -> QuerySet[Case]:
    """The cases of a person in the active municipality: their own and their organisations'."""
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    return Case.objects.filter(Q(applicant=user) | Q(organisation_id__in=organisations))


# --- inbox ----------------------------------------------------------------------------------

INBOX_FIELDS = (
    "id",
    "municipality_id",
    "reference",
    "leika",
    "service_name",
    "applicant_name",
    "status",
    "status_kind",
    "received_at",
    "due_date",
    "office__id",
    "office__name",
    "assignee__id",
    "assignee__email",
    "assignee__first_name",
    "assignee__last_name",
)
OPEN_KINDS = (StatusKind.OPEN, StatusKind.WAITING)


def cases_inbox(
    *,
    user,
    status: str = "",
    kind: str = "",
    office: int | None = None,
    assignee: str = "",
    leika: str = "",
    overdue: bool = False,
    q: str = "",
    sort: str = "received",
) -> QuerySet[Case]:
    """The inbox: the cases ``user`` may work on, filtered and sorted, with only the columns the
    table shows. Every filter is a plain column condition the Case indexes serve."""
    cases = cases_visible(user=user)
    if status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(status_kind=kind)
    if office:
        cases = cases.filter(office_id=office)
    if assignee == "mine":
        cases = cases.filter(assignee=user)
    elif assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif assignee.isdigit():
        cases = cases.filter(assignee_id=int(assignee))
    if leika:
        cases = cases.filter(leika=leika)
    if overdue:
        cases = cases.filter(status_kind__in=OPEN_KINDS, due_date__lt=timezone.localdate())
    if q:
        cases = cases.filter(search_text__contains=q.strip().lower())
    order = [F("due_date").asc(nulls_last=True), "id"] if sort == "due" else ["-received_at", "-id"]
    return cases.select_related("office", "assignee").only(*INBOX_FIELDS).order_by(*order)


def inbox_filter_choices(*, municipality) -> dict:
    """What the inbox filters offer: statuses of every workflow, offices, staff, services."""
    from django.db.models import Exists, OuterRef

    from revier.accounts.models import User
    from revier.cases.workflow import DEFAULT_WORKFLOW, definition_from_row
    from revier.services.models import LocalService, Office

    statuses: dict[str, str] = {}
    definitions = [DEFAULT_WORKFLOW, *(definition_from_row(w) for w in Workflow.objects.all())]
    for definition in definitions:
        for s in definition.statuses:
            statuses.setdefault(s.key, s.label)
    roles = StaffRole.objects.filter(
        municipality=municipality,
        role__in=[StaffRole.Role.ADMINISTRATOR, StaffRole.Role.CASE_WORKER],
        user=OuterRef("pk"),
    )
    staff = list(User.objects.filter(Exists(roles)).order_by("last_name", "first_name", "email"))
    return {
        "statuses": sorted(statuses.items(), key=lambda kv: str(kv[1]).lower()),
        "offices": list(Office.objects.order_by("name").values_list("pk", "name")),
        "staff": staff,
        "services": sorted(
            {
                (ls.service.leika, ls.service.name)
                for ls in LocalService.objects.select_related("service").only(
                    "service__leika", "service__name"
                )
            },
            key=lambda kv: kv[1],
        ),
    }


def case_workers_for(*, case: Case) -> list:
    """The staff who may be given ``case``: administrators and case workers who can see it."""
    from django.db.models import Exists, OuterRef

    from revier.accounts.models import User

    roles = StaffRole.objects.filter(
        municipality_id=case.municipality_id,
        role__in=[StaffRole.Role.ADMINISTRATOR, StaffRole.Role.CASE_WORKER],
        user=OuterRef("pk"),
    )
    people = list(User.objects.filter(Exists(roles)).order_by("last_name", "first_name", "email"))
    if not case.office_id:
        return people
    # Case workers bound to other offices only cannot take the case.
    members: dict[int, set[int]] = {}
    for user_id, office_id in OfficeMember.objects.values_list("user_id", "office_id"):
        members.setdefault(user_id, set()).add(office_id)
    admins = set(
        StaffRole.objects.filter(
            municipality_id=case.municipality_id, role=StaffRole.Role.ADMINISTRATOR
        ).values_list("user_id", flat=True)
    )
    return [
        p
        for p in people
        if p.pk in admins or p.pk not in members or case.office_id in members[p.pk]
    ]


# --- detail ---------------------------------------------------------------------------------


def case_timeline(*, case: Case) -> list:
    return list(case.events.select_related("actor").order_by("created_at", "id"))


def case_messages(*, case: Case) -> list:
    return list(
        case.messages.select_related("sender")
        .prefetch_related(Prefetch("documents", queryset=CaseDocument.objects.defer("content")))
        .order_by("created_at", "id")
    )


def case_documents(*, case: Case) -> list:
    return list(case.documents.defer("content").order_by("created_at", "id"))


def case_document_get(*, case: Case, pk: int) -> CaseDocument | None:
    return case.documents.filter(pk=pk).first()


def decision_templates_for(*, leika: str) -> list[DecisionTemplate]:
    return list(DecisionTemplate.objects.filter(Q(leika="") | Q(leika=leika)).order_by("name"))


# --- dashboard ------------------------------------------------------------------------------


def dashboard_weeks(*, user, weeks: int = 12) -> list[dict]:
    """Per calendar week of the last ``weeks`` weeks: cases received, closed, and how many of
    those received that week are still open and overdue. Three aggregate queries."""
    from django.db.models import Count
    from django.db.models.functions import TruncWeek

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    visible = cases_visible(user=user)

    def per_week(queryset, field: str) -> dict[dt.date, int]:
        rows = (
            queryset.filter(**{f"{field}__gte": start})
            .annotate(week=TruncWeek(field, tzinfo=tz))
            .values("week")
            .annotate(n=Count("id"))
            .order_by()
        )
        result: dict[dt.date, int] = {}
        for row in rows:
            week = row["week"]
            week = week.date() if isinstance(week, dt.datetime) else week
            result[week] = result.get(week, 0) + row["n"]
        return result

    received = per_week(visible, "received_at")
    closed = per_week(visible.filter(status_kind=StatusKind.CLOSED), "closed_at")
    still_open = per_week(visible.filter(status_kind__in=OPEN_KINDS), "received_at")
    overdue = per_week(
        visible.filter(status_kind__in=OPEN_KINDS, due_date__lt=today), "received_at"
    )
    return [
        {
            "week": first + dt.timedelta(weeks=i),
            "received": received.get(first + dt.timedelta(weeks=i), 0),
            "open": still_open.get(first + dt.timedelta(weeks=i), 0),
            "overdue": overdue.get(first + dt.timedelta(weeks=i), 0),
            "closed": closed.get(first + dt.timedelta(weeks=i), 0),
        }
        for i in range(weeks)
    ]


def dashboard_totals(*, user) -> dict:
    from django.db.models import Count

    today = timezone.localdate()
    visible = cases_visible(user=user)
    return visible.aggregate(
        open=Count("id", filter=Q(status_kind__in=OPEN_KINDS)),
        overdue=Count("id", filter=Q(status_kind__in=OPEN_KINDS, due_date__lt=today)),
        waiting=Count("id", filter=Q(status_kind=StatusKind.WAITING)),
        errors=Count("id", filter=Q(status_kind=StatusKind.ERROR)),
        unassigned=Count("id", filter=Q(status_kind__in=OPEN_KINDS, assignee__isnull=True)),
    )

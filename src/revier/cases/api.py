"""API of case work for staff: list and read cases, change their status (one or many), write
to the applicant. Tenant-scoped below ``/api/v1/<slug>/cases/``; every read of personal data is
in the audit log, like the back office."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.cases import selectors, services
from revier.cases.models import Case, CaseDocument, CaseEvent, Message, StatusKind
from revier.cases.workflow import workflows_for
from revier.core.audit import audit_context, audit_log
from revier.core.models import AuditLogEntry
from revier.tenancy.api_scope import HasMunicipalityPerm, MunicipalityAPIMixin

PERM = "cases.view_cases"


def _workflow_labels(view, cases) -> dict:
    cache = view.__dict__.setdefault("_workflows", {})
    missing = {c.leika for c in cases} - cache.keys()
    if missing:
        cache.update(workflows_for(missing))
    return cache


# Ids are 64-bit signed integers in both databases: a larger number is a field error, not an
# overflow in the database driver (a 500).
MAX_ID = 2**63 - 1


class CaseSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField(help_text=_("The status in words."))
    state = serializers.CharField(
        source="status_kind", help_text=_("open, waiting, decided, closed or error")
    )
    office = serializers.CharField(source="office.name", default=None, allow_null=True)
    assignee = serializers.EmailField(source="assignee.email", default=None, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "leika",
            "service_name",
            "status",
            "status_label",
            "state",
            "result",
            "applicant_name",
            "office",
            "assignee",
            "received_at",
            "due_date",
            "overdue",
            "closed_at",
        ]

    def get_status_label(self, obj: Case) -> str:
        workflows = self.context.get("workflows") or {}
        workflow = workflows.get(obj.leika)
        return workflow.label(obj.status) if workflow else obj.status

    def get_overdue(self, obj: Case) -> bool:
        return bool(
            obj.due_date
            and obj.status_kind in (StatusKind.OPEN, StatusKind.WAITING)
            and obj.due_date < timezone.localdate()
        )


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", default=None, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["kind", "from_status", "to_status", "text", "public", "actor", "created_at"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    # Declared explicitly: the model field's range depends on the database
    # backend, and the OpenAPI file must not.
    size = serializers.IntegerField(read_only=True, min_value=0)

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "filename",
            "content_type",
            "size",
            "sha256",
            "public",
            "created_at",
        ]


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "subject",
            "body",
            "requests_information",
            "answer_due",
            "answered_at",
            "read_at",
            "created_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    data = serializers.JSONField(help_text=_("The answers, keyed as the form's JSON Schema."))
    intake_error = serializers.CharField()
    allowed_statuses = serializers.SerializerMethodField(
        help_text=_("The statuses the workflow allows next.")
    )
    events = CaseEventSerializer(many=True)
    documents = CaseDocumentSerializer(many=True)
    messages = MessageSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "applicant_email",
            "data",
            "intake_error",
            "allowed_statuses",
            "events",
            "documents",
            "messages",
        ]

    def get_allowed_statuses(self, obj: Case) -> list[str]:
        workflow = (self.context.get("workflows") or {}).get(obj.leika)
        return [s.key for s in workflow.allowed(obj.status)] if workflow else []


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.CharField(required=False, max_length=40)
    state = serializers.ChoiceField(choices=StatusKind.choices, required=False)
    leika = serializers.RegexField(r"^99\d{12}$", required=False)
    office = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    assignee = serializers.CharField(required=False, max_length=254)
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, max_length=200)


class CaseCursorPagination(pagination.CursorPagination):
    """No COUNT over a hundred thousand cases, and stable while new cases arrive."""

    page_size = 50
    ordering = ("-received_at", "-id")


def _validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


CASE_FILTERS = [
    OpenApiParameter("status", str, description="Workflow status key, e.g. in_progress."),
    OpenApiParameter("state", str, enum=StatusKind.values, description="Kind of status."),
    OpenApiParameter("leika", str, description="LeiKa key of the service."),
    OpenApiParameter("office", int, description="Id of the responsible office."),
    OpenApiParameter(
        "assignee", str, description="`me`, `none`, or the e-mail address of a case worker."
    ),
    OpenApiParameter("overdue", bool, description="Only overdue cases (true)."),
    OpenApiParameter("q", str, description="Search in reference, applicant and service."),
]


@extend_schema(tags=["cases"], parameters=CASE_FILTERS)
class CaseListView(MunicipalityAPIMixin, generics.ListAPIView):
    """The cases the caller may work on, newest first (cursor pagination).

    For case workers and administrators. Reading the list is recorded in the audit log.
    """

    serializer_class = CaseSerializer
    permission_classes = [HasMunicipalityPerm(PERM)]
    pagination_class = CaseCursorPagination

    def get_queryset(self):
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        assignee = f.get("assignee", "")
        if assignee == "me":
            assignee = "mine"
        elif assignee and assignee != "none":
            # The API names people by e-mail; the inbox selector by id.
            from revier.accounts.models import User

            found = User.objects.filter(email=assignee.lower()).values_list("pk", flat=True)
            assignee = str(found[0]) if found else "0"
        # The same selector as the back office's inbox: one meaning of every filter.
        cases = selectors.cases_inbox(
            user=self.request.user,
            status=f.get("status", ""),
            kind=f.get("state", ""),
            office=f.get("office"),
            assignee=assignee,
            leika=f.get("leika", ""),
            overdue=f["overdue"],
            q=f.get("q", ""),
        )
        # The API shows two columns the inbox table does not; the cursor sets the order.
        return cases.only(*selectors.INBOX_FIELDS, "result", "closed_at").order_by()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(
            page, many=True, context={"workflows": _workflow_labels(self, page)}
        )
        audit_log(
            municipality=self.municipality,
            actor=request.user,
            action=AuditLogEntry.Action.VIEW,
            object_type="cases.Case",
            object_repr="case list",
            event="cases.listed_api",
            params={"path": request.get_full_path()[:300]},
            context=audit_context(request),
        )
        return self.get_paginated_response(serializer.data)


class _CaseMixin(MunicipalityAPIMixin):
    permission_classes = [HasMunicipalityPerm(PERM)]

    def case(self, pk: int) -> Case:
        case = selectors.case_get(pk=pk)
        if case is None:
            raise exceptions.NotFound(_("There is no case with this id."))
        services.case_access_check(
            case=case, user=self.request.user, context=audit_context(self.request)
        )
        return case

    def detail_response(self, case: Case, status_code: int = 200) -> Response:
        case = (
            Case.objects.select_related("office", "assignee")
            .prefetch_related(
                "events__actor",
                Prefetch("documents", queryset=CaseDocument.objects.defer("content")),
                "messages",
            )
            .get(pk=case.pk)
        )
        serializer = CaseDetailSerializer(
            case, context={"workflows": workflows_for([case.leika]), "request": self.request}
        )
        return Response(serializer.data, status=status_code)


@extend_schema(tags=["cases"], responses={200: CaseDetailSerializer})
class CaseDetailView(_CaseMixin, APIView):
    """One case with its answers, timeline, documents (without content) and messages.
    Recorded in the audit log."""

    def get(self, request, municipality: str, pk: int):
        case = self.case(pk)
        audit_log(
            municipality=self.municipality,
            actor=request.user,
            action=AuditLogEntry.Action.VIEW,
            obj=case,
            event="cases.read_api",
            context=audit_context(request),
        )
        return self.detail_response(case)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=40, help_text=_("The workflow status to move to."))
    result = serializers.ChoiceField(
        choices=Case.Result.choices,
        required=False,
        allow_blank=True,
        help_text=_("Needed when the status closes the case and no result is recorded yet."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema(
    tags=["cases"], request=StatusChangeSerializer, responses={200: CaseDetailSerializer}
)
class CaseStatusView(_CaseMixin, APIView):
    """Move a case to another status of its workflow. A move the workflow does not allow is
    refused (400) and changes nothing."""

    def post(self, request, municipality: str, pk: int):
        case = self.case(pk)
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            case = services.case_status_change(
                case=case,
                to_status=body.validated_data["status"],
                result=body.validated_data.get("result", ""),
                note=body.validated_data.get("note", ""),
                actor=request.user,
                context=audit_context(request),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return self.detail_response(case)


class BulkStatusSerializer(StatusChangeSerializer):
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=5000
    )
    note = None


@extend_schema(
    tags=["cases"],
    request=BulkStatusSerializer,
    responses={200: {"type": "object", "properties": {"changed": {"type": "integer"}}}},
)
class CaseBulkStatusView(MunicipalityAPIMixin, APIView):
    """Move many cases to one status: all or nothing (400 names the cases that cannot move)."""

    permission_classes = [HasMunicipalityPerm(PERM)]

    def post(self, request, municipality: str):
        body = BulkStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            changed = services.case_bulk_status_change(
                case_ids=body.validated_data["cases"],
                to_status=body.validated_data["status"],
                result=body.validated_data.get("result", ""),
                actor=request.user,
                context=audit_context(request),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response({"changed": changed})


class MessageCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    requests_information = serializers.BooleanField(default=False)
    answer_due = serializers.DateField(required=False, allow_null=True)


@extend_schema(tags=["cases"], request=MessageCreateSerializer, responses={201: MessageSerializer})
class CaseMessageView(_CaseMixin, APIView):
    """Write to the applicant. With `requests_information` the case waits for the answer. The
    applicant gets an e-mail with a link only; the text is shown after login."""

    def post(self, request, municipality: str, pk: int):
        case = self.case(pk)
        body = MessageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            message = services.case_message_send(
                case=case,
                actor=request.user,
                subject=data["subject"],
                body=data["body"],
                requests_information=data["requests_information"],
                answer_due=data.get("answer_due"),
                context=audit_context(request),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from None
        return Response(MessageSerializer(message).data, status=201)

"""Case work in the back office: the inbox (filters, bulk status change), the case page with
its actions, decisions (Bescheide), the dashboard, and the administrator's configuration
(workflows, decision templates, the case workers of each office).

Every look at a case's personal data (the case page, a document) is in the audit log; a case
outside the person's offices is refused and logged by ``services.case_access_check``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.backoffice.tables import Column, DataTable, selected_ids
from revier.cases import selectors, services
from revier.cases.decision import PLACEHOLDERS, fill, placeholder_values
from revier.cases.forms_backoffice import (
    AssignForm,
    BulkActionForm,
    DecisionForm,
    DecisionTemplateForm,
    InboxFilterForm,
    MessageForm,
    NoteForm,
    OfficeMembersForm,
    PaymentForm,
    StatusForm,
    WorkflowForm,
)
from revier.cases.models import Case, DecisionTemplate, StatusKind, Workflow
from revier.cases.workflow import ERROR_STATUS, workflow_for, workflows_for
from revier.core.audit import audit_context, audit_view
from revier.core.text import safe_filename
from revier.core.views import post_data
from revier.frontend import charts

PAGE_SIZE = 50
VIEW = "cases.view_cases"
DASHBOARD = "cases.view_dashboard"
MANAGE = "cases.manage_casework"


def _render(request, template, context, *, section="cases", status=200):
    return render_backoffice(request, template, context, section=section, status=status)


# --- inbox ----------------------------------------------------------------------------------


def inbox_columns() -> list[Column]:
    """The inbox's columns; each sorts on plain columns of Case (or its joined office/assignee)."""
    return [
        Column("reference", _("Reference number"), ("reference",)),
        Column("service", _("Service"), ("service_name",)),
        Column("applicant", _("Applicant"), ("applicant_name",)),
        Column("status", _("Status"), ("status",)),
        Column("office", _("Office"), ("office__name",)),
        Column("assignee", _("Assigned to"), ("assignee__last_name", "assignee__email")),
        Column("received", _("Received"), ("received_at",)),
        Column("due", _("Due"), ("due_date",)),
    ]


def _bulk_call(request, chosen: list[int]):
    """The service behind the action bar's button: status change or assignment."""
    from revier.accounts.models import User

    def call(data):
        if data["action"] == "assign":
            assignee = None
            if data["assignee"] != "none":
                assignee = User.objects.filter(pk=int(data["assignee"])).first()
            return services.case_bulk_assign(
                case_ids=chosen,
                assignee=assignee,
                actor=request.user,
                context=audit_context(request),
            )
        return services.case_bulk_status_change(
            case_ids=chosen,
            to_status=data["to_status"],
            result=data["result"],
            actor=request.user,
            context=audit_context(request),
        )

    return call


def _bulk_done(bulk, count: int) -> str:
    if bulk.cleaned_data["action"] == "assign":
        return _("%(count)s cases have been assigned.") % {"count": count}
    return _("The status of %(count)s cases has been changed.") % {"count": count}


@backoffice_view(VIEW)
@require_http_methods(["GET", "POST"])
def inbox(request):
    choices = selectors.inbox_filter_choices(municipality=request.municipality)
    form = InboxFilterForm(request.GET or None, choices=choices)
    filters = form.cleaned_data if form.is_valid() else {}
    bulk = BulkActionForm(post_data(request), statuses=choices["statuses"], people=choices["staff"])
    chosen = selected_ids(request, "case", limit=PAGE_SIZE)
    status = 400 if form.is_bound and form.errors else 200
    if request.method == "POST":
        done = submit_service(
            request,
            bulk,
            _bulk_call(request, chosen),
            success=lambda count: _bulk_done(bulk, count),
            redirect_to=request.get_full_path(),
        )
        if done:
            return done
        status = 400
    queryset = selectors.cases_inbox(
        user=request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        office=filters.get("office"),
        assignee=filters.get("assignee", ""),
        leika=filters.get("leika", ""),
        overdue=filters.get("overdue", False),
        q=filters.get("q", ""),
    )
    today = timezone.localdate()
    table = DataTable(
        request=request,
        queryset=queryset,
        columns=inbox_columns(),
        default_sort="-received",
        caption=_("Cases"),
        per_page=PAGE_SIZE,
        count=False,  # no COUNT(*) over a large inbox (see CountlessPage)
        selection="case",
    )
    workflows = workflows_for({c.leika for c in table.page.object_list})
    for row in table.rows:
        case = row["item"]
        row.update(
            case=case,
            label=_("case %(reference)s") % {"reference": case.reference},
            status_label=workflows[case.leika].label(case.status),
            overdue=case.status_kind in selectors.OPEN_KINDS
            and case.due_date is not None
            and case.due_date < today,
            chosen=case.pk in chosen,
        )
    if table.rows:
        audit_view(
            request,
            object_type="cases.Case",
            object_repr=_("case inbox"),
            summary=f"viewed case inbox page {table.page.number}",
            event="cases.inbox_viewed",
            params={"page": table.page.number},
        )
    return _render(
        request,
        "cases/backoffice/inbox.html",
        {"form": form, "bulk": bulk, "page": table.page, "rows": table.rows, "table": table},
        status=status,
    )


# --- case page ------------------------------------------------------------------------------


def _case(request, pk: int) -> Case:
    case = selectors.case_get(pk=pk)
    if case is None:
        raise Http404(_("There is no such case."))
    services.case_access_check(case=case, user=request.user, context=audit_context(request))
    return case


def _answer_sections(case: Case) -> list[dict]:
    """The answers, labelled by the form's tree when the application is known, else by key."""
    from revier.applications import answers

    data = case.data or {}
    application = case.application
    if application is not None and application.form_version_id:
        from revier.forms.selectors import form_version_tree

        tree = form_version_tree(application.form_version)
        return [
            {"index": i, "title": step["label"], "rows": answers.step_summary(step, data)}
            for i, step in enumerate(tree)
        ]
    rows: list[dict] = []

    def walk(value, label: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{label} / {key}" if label else str(key))
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            for i, inner in enumerate(value, start=1):
                walk(inner, f"{label} ({i})")
        elif isinstance(value, list):
            rows.append({"label": label, "value": ", ".join(str(v) for v in value)})
        else:
            rows.append({"label": label, "value": "" if value is None else str(value)})

    walk(data, "")
    return [{"index": 0, "title": _("Answers"), "rows": rows}] if rows else []


def _detail(request, case: Case, *, forms: dict | None = None, status: int = 200):
    workflow = workflow_for(case.leika)
    allowed = workflow.allowed_for(case, request.user)
    people = selectors.case_workers_for(case=case)
    forms = forms or {}
    context = {
        "case": case,
        "status_label": workflow.label(case.status),
        "overdue": case.status_kind in selectors.OPEN_KINDS
        and case.due_date is not None
        and case.due_date < timezone.localdate(),
        "is_open": case.status_kind not in (StatusKind.CLOSED, StatusKind.ERROR),
        "is_error": case.status == ERROR_STATUS,
        "sections": _answer_sections(case),
        "documents": selectors.case_documents(case=case),
        "events": [
            {
                "event": e,
                "from_label": workflow.label(e.from_status) if e.from_status else "",
                "to_label": workflow.label(e.to_status) if e.to_status else "",
            }
            for e in selectors.case_timeline(case=case)
        ],
        "case_messages": selectors.case_messages(case=case),
        "payments": list(case.payments.select_related("recorded_by")),
        "decisions": list(case.decisions.all()),
        "templates": selectors.decision_templates_for(leika=case.leika),
        "assign_form": forms.get("assign")
        or AssignForm(prefix="assign", people=people, initial={"assignee": case.assignee_id}),
        "status_form": forms.get("status") or StatusForm(prefix="status", allowed=allowed),
        "note_form": forms.get("note") or NoteForm(prefix="note"),
        "payment_form": forms.get("payment")
        or PaymentForm(prefix="payment", initial={"paid_on": timezone.localdate()}),
        "allowed": allowed,
    }
    # Recorded before the data is shown: whoever sees it is in the log.
    audit_view(request, obj=case, summary="viewed case with its answers", event="cases.case_viewed")
    return _render(request, "cases/backoffice/detail.html", context, status=status)


@backoffice_view(VIEW)
def case_detail(request, pk: int):
    return _detail(request, _case(request, pk))


@backoffice_view(VIEW)
def case_document(request, pk: int, document_id: int):
    case = _case(request, pk)
    document = selectors.case_document_get(case=case, pk=document_id)
    if document is None:
        raise Http404(_("There is no such document."))
    audit_view(
        request,
        obj=case,
        summary=f"downloaded document {document.filename}",
        event="cases.document_downloaded",
        params={"filename": document.filename},
    )
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    # Names stored before uploads were cleaned may hold CR/LF: never a header error (500).
    response["Content-Disposition"] = content_disposition_header(
        True, safe_filename(document.filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _action(request, case: Case, key: str, form, call, success: str):
    """Run ``call`` for a valid form; on error the case page again with the form's errors."""
    done = submit_service(
        request,
        form,
        call,
        success=success,
        redirect_to=reverse("cases_backoffice:detail", args=[case.pk]),
    )
    return done or _detail(request, case, forms={key: form}, status=400)


@backoffice_view(VIEW)
@require_POST
def case_claim(request, pk: int):
    case = _case(request, pk)
    try:
        services.case_assign(
            case=case, assignee=request.user, actor=request.user, context=audit_context(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases_backoffice:detail", pk=case.pk)
    messages.success(request, _("The case is now yours."))
    return redirect("cases_backoffice:detail", pk=case.pk)


@backoffice_view(VIEW)
@require_POST
def case_assign(request, pk: int):
    from revier.accounts.models import User

    case = _case(request, pk)
    form = AssignForm(request.POST, prefix="assign", people=selectors.case_workers_for(case=case))

    def call(data):
        assignee = User.objects.get(pk=data["assignee"]) if data["assignee"] else None
        services.case_assign(
            case=case, assignee=assignee, actor=request.user, context=audit_context(request)
        )

    return _action(request, case, "assign", form, call, _("The assignment has been saved."))


@backoffice_view(VIEW)
@require_POST
def case_status(request, pk: int):
    case = _case(request, pk)
    form = StatusForm(
        request.POST,
        prefix="status",
        allowed=workflow_for(case.leika).allowed_for(case, request.user),
    )

    def call(data):
        services.case_status_change(
            case=case,
            to_status=data["to_status"],
            result=data["result"],
            note=data["note"],
            actor=request.user,
            context=audit_context(request),
        )

    return _action(request, case, "status", form, call, _("The status has been changed."))


@backoffice_view(VIEW)
@require_POST
def case_note(request, pk: int):
    case = _case(request, pk)
    form = NoteForm(request.POST, prefix="note")

    def call(data):
        services.case_note_add(
            case=case, actor=request.user, text=data["text"], context=audit_context(request)
        )

    return _action(request, case, "note", form, call, _("The note has been saved."))


@backoffice_view(VIEW)
@require_POST
def case_payment(request, pk: int):
    case = _case(request, pk)
    form = PaymentForm(request.POST, prefix="payment")

    def call(data):
        services.case_payment_record(
            case=case, actor=request.user, context=audit_context(request), **data
        )

    return _action(request, case, "payment", form, call, _("The payment has been recorded."))


@backoffice_view(VIEW)
@require_POST
def case_retry(request, pk: int):
    case = _case(request, pk)
    try:
        new = services.case_intake_retry(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases_backoffice:detail", pk=case.pk)
    if new.status == ERROR_STATUS:
        messages.error(request, _("The package still cannot be opened."))
    else:
        messages.success(request, _("The package has been opened: the case can be worked on."))
    return redirect("cases_backoffice:detail", pk=new.pk)


@backoffice_view(VIEW)
@require_http_methods(["GET", "POST"])
def case_message(request, pk: int):
    case = _case(request, pk)
    form = MessageForm(
        post_data(request),
        request.FILES if request.method == "POST" else None,
        initial={"requests_information": request.GET.get("request") == "1"},
    )
    done = submit_service(
        request,
        form,
        lambda data: services.case_message_send(
            case=case,
            actor=request.user,
            subject=data["subject"],
            body=data["body"],
            requests_information=data["requests_information"],
            answer_due=data["answer_due"],
            files=data["files"],
            context=audit_context(request),
        ),
        success=_("The message has been sent to the applicant."),
        redirect_to=reverse("cases_backoffice:detail", args=[case.pk]),
    )
    return done or _render(
        request,
        "cases/backoffice/message.html",
        {"case": case, "form": form},
        status=form_status(form),
    )


@backoffice_view(VIEW)
@require_http_methods(["GET", "POST"])
def case_decision(request, pk: int):
    case = _case(request, pk)
    templates = selectors.decision_templates_for(leika=case.leika)
    template = None
    chosen = request.POST.get("template") or request.GET.get("template") or ""
    if chosen.isdigit():
        template = next((t for t in templates if t.pk == int(chosen)), None)
    initial = {}
    if template is not None:
        values = placeholder_values(case=case, result=template.result)
        initial = {
            "result": template.result,
            "subject": fill(template.subject, values),
            "text": fill(template.body, values),
        }
    form = DecisionForm(post_data(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda data: services.case_decision_create(
            case=case,
            actor=request.user,
            result=data["result"],
            subject=data["subject"],
            text=data["text"],
            template=template,
            context=audit_context(request),
        ),
        success=_("The decision has been written and sent to the applicant's account."),
        redirect_to=reverse("cases_backoffice:detail", args=[case.pk]),
    )
    return done or _render(
        request,
        "cases/backoffice/decision.html",
        {"case": case, "form": form, "templates": templates, "template": template},
        status=form_status(form),
    )


# --- dashboard ------------------------------------------------------------------------------


@backoffice_view(DASHBOARD)
def dashboard(request):
    weeks = selectors.dashboard_weeks(user=request.user)
    return _render(
        request,
        "cases/backoffice/dashboard.html",
        {
            "weeks": weeks,
            "totals": selectors.dashboard_totals(user=request.user),
            "chart": _week_chart(weeks),
        },
        section="case_dashboard",
    )


def _week_chart(weeks: list[dict]) -> charts.Chart:
    """Grouped bars per calendar week; "received" goes into the table only (the bars show
    what became of them)."""
    from django.utils.formats import date_format

    categories = []
    for week in weeks:
        number = week["week"].isocalendar().week
        # Outside the f-string: xgettext does not find strings inside one.
        week_label = _("week %(number)s") % {"number": number}
        categories.append(
            charts.Category(
                label=str(number),
                table_label=f"{date_format(week['week'], 'SHORT_DATE_FORMAT')} ({week_label})",
                datetime=week["week"].isoformat(),
            )
        )

    def column(key: str) -> list[int]:
        return [week[key] for week in weeks]

    return charts.bar_chart(
        chart_id="cases-per-week",
        title=_("Open, overdue and closed cases per week"),
        description=_(
            "Bars per calendar week: cases received that week and still open, of those the "
            "overdue ones, and cases closed that week. The same numbers are in the table below."
        ),
        categories=categories,
        series=[
            charts.Series(_("Received"), column("received"), drawn=False),
            charts.Series(_("of them still open"), column("open"), legend=_("still open")),
            charts.Series(_("of them overdue"), column("overdue"), legend=_("overdue")),
            charts.Series(
                _("Closed that week"), column("closed"), legend=pgettext("case status", "closed")
            ),
        ],
        category_heading=_("Week from"),
        x_label=_("Calendar week"),
        y_label=_("Cases"),
    )


# --- configuration --------------------------------------------------------------------------


@backoffice_view(MANAGE)
def settings_overview(request):
    from revier.services.models import LocalService, Office

    workflows = {w.leika: w for w in Workflow.objects.all()}
    services_offered = list(
        LocalService.objects.select_related("service").order_by("service__name")
    )
    return _render(
        request,
        "cases/backoffice/settings.html",
        {
            "default_workflow": workflows.get(""),
            "services": [
                {"local": ls, "workflow": workflows.get(ls.service.leika)}
                for ls in services_offered
            ],
            "templates": list(DecisionTemplate.objects.order_by("name")),
            "offices": list(Office.objects.order_by("name").prefetch_related("members__user")),
        },
        section="case_settings",
    )


def _leika_or_404(leika: str) -> str:
    from revier.services.models import LocalService

    if leika and not LocalService.objects.filter(service__leika=leika).exists():
        raise Http404(_("This municipality does not offer this service."))
    return leika


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def workflow_edit(request, leika: str = ""):
    leika = _leika_or_404(leika)
    row = Workflow.objects.filter(leika=leika).first()
    current = workflow_for(leika)
    initial = WorkflowForm.initial_from(current)
    if row is None:
        initial["name"] = _("Workflow for %(leika)s") % {"leika": leika} if leika else _("Default")
    form = WorkflowForm(post_data(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda data: services.workflow_save(
            municipality=request.municipality,
            leika=leika,
            name=data["name"],
            statuses=data["statuses"],
            transitions=data["transitions"],
            initial=data["initial"],
            actor=request.user,
            context=audit_context(request),
        ),
        success=_("The workflow has been saved."),
        redirect_to=reverse("cases_backoffice:settings"),
    )
    return done or _render(
        request,
        "cases/backoffice/workflow_edit.html",
        {"form": form, "leika": leika, "row": row},
        section="case_settings",
        status=form_status(form),
    )


@backoffice_view(MANAGE)
@require_POST
def workflow_reset(request, leika: str = ""):
    row = get_object_or_404(Workflow.objects.all(), leika=_leika_or_404(leika))
    try:
        services.workflow_delete(workflow=row, actor=request.user, context=audit_context(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The workflow has been reset."))
    return redirect("cases_backoffice:settings")


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int | None = None):
    template = get_object_or_404(DecisionTemplate.objects.all(), pk=pk) if pk else None
    initial = (
        {
            "name": template.name,
            "leika": template.leika,
            "result": template.result,
            "subject": template.subject,
            "body": template.body,
        }
        if template
        else {
            "subject": _("Decision on your application {reference}"),
        }
    )
    form = DecisionTemplateForm(post_data(request), initial=initial)
    done = submit_service(
        request,
        form,
        lambda data: services.decision_template_save(
            municipality=request.municipality,
            actor=request.user,
            template=template,
            context=audit_context(request),
            **data,
        ),
        success=_("The decision template has been saved."),
        redirect_to=reverse("cases_backoffice:settings"),
    )
    return done or _render(
        request,
        "cases/backoffice/template_edit.html",
        {
            "form": form,
            "template": template,
            "placeholders": sorted(PLACEHOLDERS.items()),
        },
        section="case_settings",
        status=form_status(form),
    )


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def office_members(request, office_id: int):
    from revier.accounts.models import User
    from revier.services.models import Office

    office = get_object_or_404(Office.objects.all(), pk=office_id)
    choices = selectors.inbox_filter_choices(municipality=request.municipality)
    people = choices["staff"]
    current = list(office.members.values_list("user_id", flat=True))
    form = OfficeMembersForm(post_data(request), people=people, initial={"users": current})
    done = submit_service(
        request,
        form,
        lambda data: services.office_members_set(
            municipality=request.municipality,
            office=office,
            users=list(User.objects.filter(pk__in=data["users"])),
            actor=request.user,
            context=audit_context(request),
        ),
        success=_("The office's case workers have been saved."),
        redirect_to=reverse("cases_backoffice:settings"),
    )
    return done or _render(
        request,
        "cases/backoffice/office_members.html",
        {"form": form, "office": office},
        section="case_settings",
        status=form_status(form),
    )

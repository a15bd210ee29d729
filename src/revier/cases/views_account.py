"""The applicant's side of case work below ``/<slug>/konto/``: my applications with their status
timeline, documents and messages, the reply form, the mailbox and the signed message links.

Whatever the person may not see answers 404 (it stays hidden, as in the organisation pages).
Who sees what: ``revier.cases.selectors_account``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from revier.accounts.selectors import user_organisations
from revier.applications.models import Application
from revier.cases import selectors_account as selectors
from revier.cases import services as case_services
from revier.cases import services_account
from revier.cases.models import Message, StatusKind
from revier.core.text import safe_filename
from revier.core.views import post_data

PAGE_SIZE = 20


# --- forms ----------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; size, type and virus scan are checked by ``case_reply``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write your answer first.")},
    )
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        required=False,
        help_text=gettext_lazy("Up to 5 files (PDF, JPEG or PNG), at most 10 MB each."),
    )
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, messages_of_case=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._messages = {m.pk: m for m in messages_of_case}

    def clean_in_reply_to(self):
        pk = self.cleaned_data.get("in_reply_to")
        if pk is None:
            return None
        message = self._messages.get(pk)
        if message is None or message.direction != Message.Direction.TO_APPLICANT:
            raise ValidationError(_("Choose a message of this application."))
        return message


class WhoForm(forms.Form):
    """The list filter: everything, my own, or one organisation's applications."""

    fuer = forms.ChoiceField(label=gettext_lazy("Show"), required=False)

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fuer"].choices = [
            ("", _("All")),
            (selectors.MINE, _("My own")),
            *((str(m.organisation_id), m.organisation.name) for m in memberships),
        ]


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- my applications ------------------------------------------------------------------------


@login_required
@require_GET
def application_list(request):
    memberships = list(user_organisations(user=request.user))
    form = WhoForm(request.GET or None, memberships=memberships)
    who = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            who = form.cleaned_data["fuer"]
        else:
            status = 400
    page = Paginator(
        selectors.account_applications(user=request.user, who=who), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    selectors.status_labels(page.object_list)
    drafts = [a for a in page.object_list if a.status == Application.Status.DRAFT]
    sent = [a for a in page.object_list if a.status != Application.Status.DRAFT]
    return render(
        request,
        "cases/account/application_list.html",
        {
            "form": form,
            "memberships": memberships,
            "page": page,
            "drafts": drafts,
            "sent": sent,
            "unread": selectors.mailbox_unread_count(user=request.user),
        },
        status=status,
    )


def _detail_context(request, reference: str) -> dict:
    application = selectors.account_application_get(user=request.user, reference=reference)
    case = selectors.account_case_get(user=request.user, reference=reference)
    if application is None and case is None:
        raise Http404(_("There is no such application."))
    if application is not None and application.status == Application.Status.DRAFT:
        return {"draft": application}
    context = {"application": application, "case": case, "draft": None}
    if case is None:
        status_label = application.get_status_display()
        context.update(timeline=[], documents=[], case_messages=[], can_reply=False)
        context["delivery"] = selectors.application_delivery(application=application)
    else:
        context.update(
            timeline=selectors.case_timeline(case=case),
            documents=selectors.case_documents(case=case),
            case_messages=selectors.case_messages(case=case),
            can_reply=case.status_kind not in (StatusKind.CLOSED, StatusKind.ERROR),
        )
        from revier.cases.workflow import workflow_for

        status_label = selectors.applicant_status_label(
            workflow_for(case.leika).label(case.status),
            kind=case.status_kind,
            result=case.result,
        )
    context["status_label"] = status_label
    context["reference"] = reference
    context["service_name"] = case.service_name if case else application.service_name
    return context


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, reference: str):
    context = _detail_context(request, reference)
    if context["draft"] is not None:
        # A draft has no timeline yet: continue it where the applicant left off.
        return redirect("applications:check", reference)
    case = context["case"]
    answering = request.GET.get("antwort", "")
    form = ReplyForm(
        post_data(request),
        request.FILES if request.method == "POST" else None,
        messages_of_case=context["case_messages"],
        initial={"in_reply_to": answering} if answering.isdigit() else None,
    )
    status = 200
    if request.method == "POST":
        if case is None:
            raise Http404(_("There is no such application."))
        if form.is_valid():
            try:
                case_services.case_reply(
                    case=case,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                    in_reply_to=form.cleaned_data["in_reply_to"],
                )
            except PermissionDenied:
                raise Http404(_("There is no such application.")) from None
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                from django.contrib import messages

                messages.success(request, _("Your message has been sent to the town hall."))
                return redirect("casework_account:application", reference)
        status = 400
    context["form"] = form
    return render(request, "cases/account/application_detail.html", context, status=status)


@login_required
@require_GET
def document_download(request, reference: str, pk: int):
    case = selectors.account_case_get(user=request.user, reference=reference)
    document = selectors.case_document_get(case=case, pk=pk) if case else None
    if document is None:
        raise Http404(_("There is no such document."))
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, safe_filename(document.filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- mailbox --------------------------------------------------------------------------------


@login_required
@require_GET
def mailbox(request):
    page = Paginator(selectors.mailbox(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/account/mailbox.html",
        {"page": page, "unread": selectors.mailbox_unread_count(user=request.user)},
    )


@login_required
@require_GET
def message_detail(request, pk: int):
    message = selectors.mailbox_message_get(user=request.user, pk=pk)
    if message is None:
        raise Http404(_("There is no such message."))
    case_services.message_mark_read(message=message, user=request.user)
    return render(
        request,
        "cases/account/message_detail.html",
        {
            "message": message,
            "case": message.case,
            "can_reply": message.case.status_kind not in (StatusKind.CLOSED, StatusKind.ERROR),
        },
    )


@require_GET
def message_link(request, token: str):
    """The link of a notification e-mail: checked first (a broken or expired link says so
    without a login), then the login, then the message itself."""
    try:
        target = services_account.message_link_resolve(token=token)
    except services_account.MessageLinkExpired:
        return render(request, "cases/account/link_expired.html", status=410)
    except services_account.MessageLinkInvalid:
        return render(request, "cases/account/link_invalid.html", status=400)
    if target.municipality_id != request.municipality.pk:
        return render(request, "cases/account/link_invalid.html", status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    message = selectors.mailbox_message_get(user=request.user, pk=target.message_id)
    if message is None:
        raise Http404(_("There is no such message."))
    return redirect("casework_account:message", message.pk)

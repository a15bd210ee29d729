"""Applying, page by page (GOV.UK patterns): start, one question group per page, check your
answers, declaration, submit, confirmation; save and return; receipt; payment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from revier.accounts import oidc
from revier.accounts.middleware import allow_provider_forms, provider_origins
from revier.accounts.models import TrustLevel
from revier.applications import answers, selectors, services
from revier.applications.models import Application
from revier.forms import personal
from revier.forms.schema import json_schema, validate_answers
from revier.forms.selectors import form_version_published_for, form_version_tree
from revier.payments import selectors as payment_selectors
from revier.payments.models import Fee
from revier.payments.plugins.base import NotificationRefused, PaymentProviderError
from revier.services.selectors import local_service_get
from revier.tenancy.modules import module_required

MODULE = "services"


def _application(request, reference: str) -> Application:
    application = selectors.application_for(
        reference=reference, user=request.user, session=request.session
    )
    if application is None:
        raise Http404(_("There is no such application."))
    return application


def _receipt_url_for(request):
    return lambda application: request.build_absolute_uri(
        reverse("applications:receipt", args=[application.reference])
    )


def _fee_context(leika: str) -> dict:
    fee = payment_selectors.fee_for(leika=leika)
    if fee is None or fee.amount <= 0 or fee.policy == Fee.Policy.INACTIVE:
        return {"fee": None}
    return {
        "fee": fee,
        "offers_choice": fee.policy == Fee.Policy.OPTIONAL and fee.plugin != "invoice",
    }


@module_required(MODULE)
@login_required
def application_list(request):
    return render(
        request,
        "applications/list.html",
        {"applications": list(selectors.applications_of(user=request.user)[:200])},
    )


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def application_start(request, leika: str):
    local = local_service_get(leika=leika)
    version = form_version_published_for(leika=leika)
    if local is None or version is None or not local.online:
        raise Http404(_("This service cannot be applied for online here."))
    if not request.user.is_authenticated:
        if not local.open_without_account:
            return redirect_to_login(request.get_full_path())
        return _start_without_account(request, local, version)
    # The level of this session counts, not the stored one: a password login after an eID
    # login is no eID login (ADR 0009).
    current = oidc.session_trust_level(request)
    if not oidc.meets(current, local.min_trust_level):
        providers = oidc.oidc_providers(request)
        response = render(
            request,
            "applications/trust_level_needed.html",
            {
                "service": local.service,
                "required_label": TrustLevel(local.min_trust_level).label,
                "current_label": TrustLevel(current).label if current else "",
                "providers": providers,
                "next_url": request.get_full_path(),
            },
            status=403,
        )
        # Its buttons post to the providers' login (see accounts.middleware).
        origins = provider_origins(request, apps=[p.app for p in providers])
        return allow_provider_forms(request, response, origins)
    memberships = list(request.user.memberships.select_related("organisation"))
    error = ""
    if request.method == "POST":
        choice = request.POST.get("applicant", "self")
        organisation = None
        if choice != "self":
            organisation = next(
                (m.organisation for m in memberships if str(m.organisation_id) == choice), None
            )
            if organisation is None:
                error = _("Choose for whom you apply.")
        if not error:
            try:
                application = services.application_start(
                    municipality=request.municipality,
                    version=version,
                    actor=request.user,
                    organisation=organisation,
                    service_name=local.service.name,
                )
            except (ValidationError, PermissionDenied) as exc:
                error = " ".join(getattr(exc, "messages", [str(exc)]))
            else:
                return redirect("applications:step", application.reference, 0)
    return render(
        request,
        "applications/start.html",
        {
            "local": local,
            "service": local.service,
            "version": version,
            "memberships": memberships,
            "error": error,
            **_fee_context(leika),
        },
        status=400 if error else 200,
    )


def _start_without_account(request, local, version):
    """Open Forms' "no login needed": the start page offers to log in or to go on without an
    account; the draft is then this browser session's, and the resident follows it later by
    the private link shown on the confirmation page."""
    if request.method == "POST" and request.POST.get("without_account") == "yes":
        application = services.application_start(
            municipality=request.municipality,
            version=version,
            actor=None,
            service_name=local.service.name,
        )
        resumed = request.session.get(selectors.SESSION_KEY, [])
        request.session[selectors.SESSION_KEY] = [*resumed, application.reference][-20:]
        return redirect("applications:step", application.reference, 0)
    return render(
        request,
        "applications/start.html",
        {
            "local": local,
            "service": local.service,
            "version": version,
            "memberships": [],
            "without_account": True,
            "login_url": f"{reverse('account_login')}?next={request.get_full_path()}",
            **_fee_context(local.service.leika),
        },
    )


def _target(request, prefix: str) -> str:
    for name in request.POST:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return ""


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def application_step(request, reference: str, index: int):
    application = _application(request, reference)
    if application.status != Application.Status.DRAFT:
        return redirect("applications:status", reference)
    tree = form_version_tree(application.form_version)
    if not 0 <= index < len(tree):
        raise Http404(_("There is no such page."))
    step = tree[index]
    errors: dict[str, list[str]] = {}
    from_check = request.GET.get("from") == "check" or request.POST.get("from") == "check"
    if request.method == "POST":
        action, target = "continue", ""
        if "save" in request.POST:
            action = "save"
        elif add := _target(request, "add:"):
            action, target = "add", add
        elif remove := _target(request, "remove:"):
            action, target = "remove", remove
        result = services.application_step_save(
            application=application,
            tree=tree,
            step_index=index,
            post=request.POST,
            files=request.FILES,
            action=action,
            target=target,
        )
        application, errors = result.application, result.errors
        if action == "save":
            link = services.application_resume_link(
                application=application,
                link_for=lambda token: request.build_absolute_uri(
                    reverse("applications:resume", args=[token])
                ),
            )
            return render(
                request, "applications/saved.html", {"application": application, "link": link}
            )
        if action == "continue" and not errors:
            if from_check or index + 1 >= len(tree):
                return redirect("applications:check", reference)
            return redirect("applications:step", reference, index + 1)
    uploads = selectors.uploads_by_path(application)
    items = answers.set_autocomplete(
        answers.step_page(step, application.raw or {}, errors, uploads), personal.purposes(tree)
    )
    return render(
        request,
        "applications/step.html",
        {
            "application": application,
            "step": step,
            "items": items,
            "index": index,
            "total": len(tree),
            # The error summary in the order of the page, one entry per field.
            "errors": [
                {"id": answers.html_id(path), "messages": errors[path]}
                for path in _page_order(step, application.raw or {}, errors)
            ],
            "from_check": from_check,
            "has_files": any(
                f["datatype"] in ("file", "obj")
                for f, _p in answers.step_fields(step, application.raw or {})
            ),
        },
        status=400 if errors else 200,
    )


def _page_order(step: dict, raw: dict, errors: dict) -> list[str]:
    order = {path: i for i, (_f, path) in enumerate(answers.step_fields(step, raw))}
    return sorted(errors, key=lambda path: (order.get(path, len(order)), path))


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def application_check(request, reference: str):
    application = _application(request, reference)
    if application.status != Application.Status.DRAFT:
        return redirect("applications:status", reference)
    version = application.form_version
    tree = form_version_tree(version)
    problems: dict[str, list[str]] = {}
    declaration_error = ""
    if request.method == "POST":
        try:
            application = services.application_submit(
                application=application,
                actor=request.user if request.user.is_authenticated else None,
                declaration=request.POST.get("declaration") == "yes",
                pay_online=request.POST.get("payment") == "online",
                receipt_url_for=_receipt_url_for(request),
            )
        except ValidationError as exc:
            problems = exc.message_dict
            declaration_error = " ".join(problems.pop("declaration", []))
        else:
            if application.status == Application.Status.AWAITING_PAYMENT:
                return redirect("applications:status", reference)
            return redirect("applications:status", reference)
    else:
        problems = validate_answers(
            version, application.data or {}, schema=json_schema(version, tree=tree)
        )
    sections = []
    for i, step in enumerate(tree):
        step_problems = answers.errors_for_step(step, problems)
        sections.append(
            {
                "index": i,
                "title": step["label"],
                "rows": answers.step_summary(step, application.data or {}),
                "incomplete": bool(step_problems),
            }
        )
    return render(
        request,
        "applications/check.html",
        {
            "application": application,
            "sections": sections,
            "incomplete": any(s["incomplete"] for s in sections),
            "declaration_error": declaration_error,
            **_fee_context(application.leika),
        },
        status=400 if request.method == "POST" else 200,
    )


@module_required(MODULE)
def application_resume(request, token: str):
    found = selectors.application_by_token(token=token)
    if found is None:
        raise Http404(_("This link is no longer valid."))
    resumed = request.session.get(selectors.SESSION_KEY, [])
    if found.reference not in resumed:
        request.session[selectors.SESSION_KEY] = [*resumed, found.reference][-20:]
    return redirect("applications:check", found.reference)


@module_required(MODULE)
def application_status(request, reference: str):
    application = _application(request, reference)
    if application.status == Application.Status.DRAFT:
        return redirect("applications:check", reference)
    payment = payment_selectors.payment_latest(reference=reference)
    follow_link = ""
    if application.applicant_id is None:
        follow_link = request.build_absolute_uri(
            reverse("applications:follow", args=[selectors.follow_token(application)])
        )
    return render(
        request,
        "applications/status.html",
        {
            "follow_link": follow_link,
            "application": application,
            "payment": payment,
            "account": payment_selectors.payment_account_get() if payment else None,
            "can_pay": application.status
            in (Application.Status.AWAITING_PAYMENT, Application.Status.FAILED),
        },
    )


@module_required(MODULE)
def application_follow(request, token: str):
    """The private link of an application made without an account: it opens the application's
    status in this browser (and only this municipality's application it was made for)."""
    application = selectors.application_by_follow_token(
        token=token, municipality=request.municipality
    )
    if application is None:
        raise Http404(_("This link is not valid."))
    resumed = request.session.get(selectors.SESSION_KEY, [])
    if application.reference not in resumed:
        request.session[selectors.SESSION_KEY] = [*resumed, application.reference][-20:]
    return redirect("applications:status", application.reference)


@module_required(MODULE)
def application_receipt(request, reference: str):
    application = _application(request, reference)
    if not application.receipt:
        raise Http404(_("There is no receipt yet."))
    response = HttpResponse(bytes(application.receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}.pdf"'
    return response


@module_required(MODULE)
@require_POST
def application_pay(request, reference: str):
    application = _application(request, reference)
    try:
        payment = services.application_payment_start(
            application=application,
            return_url=request.build_absolute_uri(reverse("applications:status", args=[reference])),
            notify_url_for=lambda transaction_id: request.build_absolute_uri(
                reverse("applications:payment_notify", args=[transaction_id])
            ),
        )
    except ValidationError:
        return redirect("applications:status", reference)
    except PaymentProviderError:
        messages.error(
            request, _("The payment service cannot be reached at the moment. Try again later.")
        )
        return redirect("applications:status", reference)
    return redirect(payment.redirect_url)


@csrf_exempt  # called by the payment provider; authenticated by its HMAC signature instead
@module_required(MODULE)
@require_POST
def payment_notify(request, transaction_id: str):
    payment = payment_selectors.payment_by_transaction(transaction_id=transaction_id)
    if payment is None:
        raise Http404
    try:
        services.application_payment_notified(
            payment=payment,
            body=request.body,
            headers=request.headers,
            receipt_url_for=_receipt_url_for(request),
        )
    except NotificationRefused:
        return HttpResponseBadRequest("notification refused", content_type="text/plain")
    return HttpResponse(status=204)

"""Back office: the fee of each service (amount, XBezahldienste policy, payment method) and the
municipality's bank account. Secrets of a payment provider are never shown again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import apply_service_error, backoffice_view, render_backoffice
from revier.core.audit import audit_context
from revier.core.plugins import check_saved, keep_saved_secrets, saved_secret_names
from revier.core.views import post_data
from revier.payments import selectors, services
from revier.payments.forms_backoffice import FeeForm, PaymentAccountForm
from revier.payments.registry import register

PERMISSION = "payments.manage_fees"


@backoffice_view(PERMISSION)
def fee_list(request):
    return render_backoffice(
        request,
        "payments/backoffice/fee_list.html",
        {
            "local_services": list(selectors.fees_overview()),
            "plugins": dict(register.choices()),
            "account": selectors.payment_account_get(),
        },
        section="fees",
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def fee_edit(request, leika: str):
    local = selectors.local_service_with_fee(leika=leika)
    if local is None:
        raise Http404(_("This municipality does not offer this service."))
    fee = getattr(local, "fee", None)
    initial = _fee_initial(fee)
    form = FeeForm(post_data(request), initial=initial, saved_secrets=_saved_secrets(fee))
    if form.is_valid():
        options = form.options()
        plugin = register.get(form.cleaned_data["plugin"])
        if fee is not None and fee.plugin == plugin.id:
            # An empty secret field keeps the secret saved before.
            options = keep_saved_secrets(plugin, options, selectors.fee_options(fee))
        try:
            services.fee_set(
                local_service=local,
                amount=form.cleaned_data["amount"],
                policy=form.cleaned_data["policy"],
                plugin=plugin.id,
                options=options,
                label=form.cleaned_data["label"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The fee of %(service)s has been saved.") % {"service": local.service.name},
            )
            return redirect("payments_backoffice:fee_list")
    return _fee_page(request, local, fee, form, status=400 if form.is_bound else 200)


def _fee_initial(fee) -> dict:
    if fee is None:
        return {"policy": "nachgelagert", "plugin": "invoice"}
    plugin = register.get(fee.plugin) if fee.plugin in register else None
    return {
        "amount": fee.amount,
        "label": fee.label,
        "policy": fee.policy,
        "plugin": fee.plugin,
        **(plugin.initial(fee.options) if plugin else {}),
    }


def _saved_secrets(fee) -> tuple[str, ...]:
    if fee is None or fee.plugin not in register:
        return ()
    return saved_secret_names(register.get(fee.plugin), fee.secrets_sealed)


def _fee_page(request, local, fee, form, *, check=None, status=200):
    return render_backoffice(
        request,
        "payments/backoffice/fee_edit.html",
        {
            "local": local,
            "form": form,
            "fee": fee,
            "has_secret": bool(fee and fee.secrets_sealed),
            "check": check,
        },
        section="fees",
        status=status,
    )


@backoffice_view(PERMISSION)
@require_POST
def fee_check(request, leika: str):
    """Verbindung testen: the payment plugin checks the saved configuration of this fee."""
    local = selectors.local_service_with_fee(leika=leika)
    fee = getattr(local, "fee", None) if local is not None else None
    if fee is None or fee.plugin not in register:
        raise Http404(_("This service has no fee to check."))
    result = check_saved(register.get(fee.plugin), selectors.fee_options, fee)
    form = FeeForm(initial=_fee_initial(fee), saved_secrets=_saved_secrets(fee))
    return _fee_page(request, local, fee, form, check=result)


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def account_edit(request):
    account = selectors.payment_account_get()
    initial = {"kassenzeichen_prefix": "5", "payment_days": 14}
    if account is not None:
        initial = {name: getattr(account, name) for name in PaymentAccountForm.base_fields}
    form = PaymentAccountForm(post_data(request), initial=initial)
    if form.is_valid():
        try:
            services.payment_account_set(
                municipality=request.municipality,
                actor=request.user,
                context=audit_context(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The bank account has been saved."))
            return redirect("payments_backoffice:fee_list")
    return render_backoffice(
        request,
        "payments/backoffice/account.html",
        {"form": form},
        section="fees",
        status=400 if form.is_bound else 200,
    )

"""Back office: the fee of each service (amount, XBezahldienste policy, payment method) and the
municipality's bank account. Secrets of a payment provider are never shown again."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
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

    def save(data):
        options = form.options()
        plugin = register.get(data["plugin"])
        if fee is not None and fee.plugin == plugin.id:
            # An empty secret field keeps the secret saved before.
            options = keep_saved_secrets(plugin, options, selectors.fee_options(fee))
        return services.fee_set(
            local_service=local,
            amount=data["amount"],
            policy=data["policy"],
            plugin=plugin.id,
            options=options,
            label=data["label"],
            actor=request.user,
        )

    done = submit_service(
        request,
        form,
        save,
        success=_("The fee of %(service)s has been saved.") % {"service": local.service.name},
        redirect_to=reverse("payments_backoffice:fee_list"),
    )
    return done or _fee_page(request, local, fee, form, status=form_status(form))


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
    done = submit_service(
        request,
        form,
        lambda data: services.payment_account_set(
            municipality=request.municipality,
            actor=request.user,
            context=audit_context(request),
            **data,
        ),
        success=_("The bank account has been saved."),
        redirect_to=reverse("payments_backoffice:fee_list"),
    )
    return done or render_backoffice(
        request,
        "payments/backoffice/account.html",
        {"form": form},
        section="fees",
        status=form_status(form),
    )

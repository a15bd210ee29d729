"""Saved payment configurations (fees) of every municipality, for ``revier check-plugins``."""

from django_scopes import scopes_disabled

from revier.core.plugins import Configured, configured_source, read_options
from revier.payments import selectors
from revier.payments.models import Fee
from revier.payments.registry import register


@configured_source
def fees():
    # Operator command over all municipalities; local plugins (invoice) need no check here.
    with scopes_disabled():
        saved = list(
            Fee.objects.select_related("municipality", "local_service__service")
            .exclude(plugin="invoice")
            .order_by("municipality__slug", "local_service__service__leika")
        )
    for fee in saved:
        if fee.plugin in register:
            options, error = read_options(selectors.fee_options, fee)
            yield Configured(
                kind="payment",
                owner=fee.municipality.slug,
                name=fee.local_service.service.leika,
                plugin=register.get(fee.plugin),
                options=options,
                error=error,
            )

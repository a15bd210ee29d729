"""Built-in route: the package stays on this installation, for the municipality's back office.

It is stored exactly as FIT-Connect would carry it (metadata schema 1.0.0, JWE to the
municipality's own RSA-4096 key), so case work reads one format whatever the route.
Needs no options and no network: the local default that works on one machine. Each package
is handed to the registered receivers (``revier.delivery.receivers``; case work makes a case).
"""

from django.utils.translation import gettext_lazy

from revier.delivery.plugins.base import DeliveryPlugin, DeliveryResult
from revier.delivery.registry import register


@register("backoffice")
class BackofficePlugin(DeliveryPlugin):
    label = gettext_lazy("Own back office")
    description = gettext_lazy(
        "Applications are stored encrypted on this installation and become cases in the "
        "back office."
    )

    def deliver(self, *, package, options, delivery, checkpoint=None) -> DeliveryResult:
        from revier.delivery.receivers import hand_over
        from revier.delivery.services import received_package_store

        received = received_package_store(delivery=delivery, package=package)
        # Idempotent like the store: a retried delivery finds the case made the first time.
        hand_over(received=received)
        return DeliveryResult(submission_id=f"backoffice:{received.pk}")

from django.db.models import QuerySet

from revier.core import crypto
from revier.delivery.models import Delivery, DeliveryRoute, MunicipalityKey
from revier.delivery.registry import register

SECRETS_PURPOSE = "delivery.route-secrets"


def delivery_route_get(*, leika: str) -> DeliveryRoute | None:
    """The route configured for ``leika`` in the active municipality, if any."""
    return DeliveryRoute.objects.filter(leika=leika).first()


def delivery_route_list() -> QuerySet[DeliveryRoute]:
    """The active municipality's routes, by service key."""
    return DeliveryRoute.objects.order_by("leika")


def route_plugins(*, leikas: set[str]) -> dict[str, str]:
    """``{leika: plugin}`` of the routes configured for ``leikas`` in the active municipality."""
    if not leikas:
        return {}
    return dict(DeliveryRoute.objects.filter(leika__in=leikas).values_list("leika", "plugin"))


def delivery_route_options(*, route: DeliveryRoute) -> dict:
    """The route's options with its secrets unsealed, as the plugin needs them."""
    return {**route.options, **crypto.unseal_json(route.secrets_sealed, purpose=SECRETS_PURPOSE)}


def delivery_list(*, status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.defer("package_sealed").order_by("-created_at", "-id")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries


def plugin_label(plugin_id: str) -> str:
    return str(register.get(plugin_id).label) if plugin_id in register else plugin_id


def municipality_key_active() -> MunicipalityKey | None:
    return MunicipalityKey.objects.filter(is_active=True).first()

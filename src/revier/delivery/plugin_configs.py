"""Saved delivery routes of every municipality, for ``revier check-plugins``."""

from django_scopes import scopes_disabled

from revier.core.plugins import Configured, configured_source, read_options
from revier.delivery import selectors
from revier.delivery.models import DeliveryRoute
from revier.delivery.registry import register


@configured_source
def delivery_routes():
    # Operator command over all municipalities: each route is read with its own municipality.
    with scopes_disabled():
        routes = list(
            DeliveryRoute.objects.select_related("municipality").order_by(
                "municipality__slug", "leika"
            )
        )
    for route in routes:
        if route.plugin in register:
            options, error = read_options(selectors.delivery_route_options, route=route)
            yield Configured(
                kind="delivery",
                owner=route.municipality.slug,
                name=route.leika,
                plugin=register.get(route.plugin),
                options=options,
                error=error,
            )

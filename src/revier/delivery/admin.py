from django.contrib import admin

from revier.delivery.models import Delivery, DeliveryRoute
from revier.tenancy.admin import TenantOwnedAdmin


@admin.register(DeliveryRoute)
class DeliveryRouteAdmin(TenantOwnedAdmin):
    list_display = ["leika", "plugin", "municipality", "updated_at"]
    search_fields = ["leika"]
    # Secrets stay sealed; routes are set with `revier fitconnect-route` or the service.
    readonly_fields = ["leika", "plugin", "options"]


@admin.register(Delivery)
class DeliveryAdmin(TenantOwnedAdmin):
    list_display = ["reference", "leika", "plugin", "status", "attempts", "municipality"]
    list_filter = ["status", "plugin", "municipality"]
    search_fields = ["reference"]
    readonly_fields = [
        "reference",
        "leika",
        "service_name",
        "plugin",
        "status",
        "attempts",
        "last_error",
        "submission_id",
        "sending_since",
        "next_attempt_at",
        "delivered_at",
    ]

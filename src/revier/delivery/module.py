"""What the delivery module contributes to the platform (see ``revier.core.kit``)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    MetricSource,
    PeriodicTask,
    Permission,
    ProcessingActivity,
    TaskRoute,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent(
                "delivery.route_set", _("Set the delivery route of %(leika)s to %(plugin)s")
            ),
            AuditEvent("delivery.resent", _("Sent the delivery again")),
            AuditEvent("delivery.package_decrypted", _("Decrypted the received package")),
        ],
        permissions=[
            Permission(
                "delivery.view_deliveries", _("See deliveries"), ("administrator", "case_worker")
            ),
            Permission(
                "delivery.retry_deliveries", _("Retry failed deliveries"), ("administrator",)
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "deliveries",
                _("Deliveries"),
                "delivery:list",
                "delivery.view_deliveries",
                _("Submitted applications on their way to the responsible authority."),
                group="services",
                order=50,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=60,
                key="delivery",
                name=_("Transmission to the responsible authority (FIT-Connect)"),
                purpose=_(
                    "Transmitting your application end-to-end encrypted to the authority "
                    "responsible "
                    "for it."
                ),
                data_categories=_("The complete application with its documents and the receipt."),
                legal_basis=_("Art. 6 (1) (e) GDPR in conjunction with § 3 OZG."),
                retention=_(
                    "Removed from the platform as soon as it has been handed over; if it cannot be "
                    "handed over, when the retention period of the application ends."
                ),
                recipients=_(
                    "The responsible authority; FITKO's FIT-Connect service (only encrypted data)."
                ),
                module="services",
            ),
        ],
        task_routes=[
            TaskRoute("revier.delivery.tasks.deliver_package", "submissions"),
            TaskRoute("revier.delivery.tasks.retry_due_deliveries", "submissions"),
            TaskRoute("revier.delivery.tasks.check_delivery_answers", "submissions"),
        ],
        periodic_tasks=[
            PeriodicTask(
                "delivery-retry-due",
                "revier.delivery.tasks.retry_due_deliveries",
                settings.REVIER_DELIVERY_SWEEP_SECONDS,
                # A restarted worker takes over the claims its killed predecessor left.
                at_worker_start=True,
            ),
            PeriodicTask("delivery-answers", "revier.delivery.tasks.check_delivery_answers", 300.0),
        ],
        urls=[UrlMount("backoffice/zustellungen/", "revier.delivery.urls")],
        metric_sources=[MetricSource("delivery", "revier.delivery.metrics.collect")],
    )

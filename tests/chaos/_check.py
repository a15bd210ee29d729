"""Run by the chaos test inside ``revier shell``: what the database holds after the faults, as
JSON — per municipality the submitted applications, their deliveries, and what the own back
office received (packages, cases); and the outbox rows not yet handed over."""

import json
from collections import Counter

from django_scopes import scope

from revier.applications.models import Application
from revier.cases.models import Case
from revier.core.models import OutboxMessage
from revier.delivery.models import Delivery, ReceivedPackage
from revier.tenancy.models import Municipality

state = {"outbox_waiting": OutboxMessage.objects.filter(dispatched_at__isnull=True).count()}
for slug in ("zeitz", "naumburg"):
    municipality = Municipality.objects.get(slug=slug)
    with scope(municipality=municipality):
        state[slug] = {
            "applications": dict(
                Application.objects.exclude(status=Application.Status.DRAFT).values_list(
                    "reference", "status"
                )
            ),
            "deliveries": {
                d.reference: [d.status, d.attempts, d.submission_id, d.last_error[:200]]
                for d in Delivery.objects.defer("package_sealed")
            },
            "received": Counter(ReceivedPackage.objects.values_list("reference", flat=True)),
            "cases": Counter(Case.objects.values_list("reference", flat=True)),
        }
print(json.dumps(state))

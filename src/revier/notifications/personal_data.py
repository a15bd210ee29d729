"""Notifications' part of a person's data export and erasure (see ``revier.core.kit.
PersonalDataProvider``).

Notifications belong to a municipality each (tenant-scoped) while the person's account is
platform-wide, so these functions read and write across municipalities with
``scopes_disabled()``, narrowly, and every query is filtered by the person (``recipient``)
explicitly: nothing of another person can be included.
"""

from __future__ import annotations

from collections.abc import Iterable

from django_scopes import scopes_disabled

from revier.notifications.models import Notification


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(*, user) -> dict:
    with scopes_disabled():
        notifications = (
            Notification.objects.filter(recipient=user)
            .select_related("municipality")
            .order_by("created_at", "id")
        )
        return {
            "notifications": [
                {
                    "municipality": n.municipality.name,
                    "event": n.event,
                    "channel": n.channel,
                    "address": n.address,
                    "subject": n.subject,
                    "status": n.status,
                    "created": _iso(n.created_at),
                    "sent": _iso(n.sent_at),
                }
                for n in notifications
            ]
        }


def municipalities(*, user) -> Iterable[int]:
    with scopes_disabled():
        return set(
            Notification.objects.filter(recipient=user).values_list("municipality_id", flat=True)
        )


def erase(*, user) -> dict[str, int]:
    """Notifications sent to the person are deleted with the account."""
    with scopes_disabled():
        deleted = Notification.objects.filter(recipient=user).delete()[0]
    return {"notifications": deleted}

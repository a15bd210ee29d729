"""Recording staff access to personal data. Call it explicitly where the access happens."""

import datetime as dt

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from revier.core.models import AuditLogEntry


def audit_log(
    *,
    municipality,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    summary: str = "",
    request=None,
) -> AuditLogEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
    return AuditLogEntry.objects.create(
        municipality=municipality,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        summary=summary[:500],
        ip_address=ip,
    )


def audit_log_entries(
    *,
    actor: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLogEntry]:
    """Audit log entries of the active municipality (scoped manager), newest first.

    ``actor`` matches part of the actor's e-mail address; the dates are whole local days and
    both ends are included.
    """
    qs = AuditLogEntry.objects.all()
    if actor:
        qs = qs.filter(actor_email__icontains=actor.strip())
    if action:
        qs = qs.filter(action=action)
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone))
    if date_to:
        next_day = date_to + dt.timedelta(days=1)
        qs = qs.filter(created_at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    return qs.order_by("-created_at", "-id")

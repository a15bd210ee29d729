"""Recording staff access to personal data. Call it explicitly where the access happens."""

from django.db import models

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

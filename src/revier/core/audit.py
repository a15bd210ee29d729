"""Recording staff access to personal data. Call it explicitly where the access happens.

Services never take the HTTP request: a view passes ``audit_context(request)``, the little a
service needs of it (the address for the audit log, the address the request came in on for links
in e-mails, the municipality it was made in). Tasks and commands pass nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone, translation

from revier.core import kit
from revier.core.models import AuditLogEntry
from revier.core.net import client_ip


@dataclass(frozen=True)
class AuditContext:
    """Where an action came from: what a service may know of the request."""

    ip_address: str | None = None
    # Scheme and host the request came in on ("https://service.zeitz.de"), for absolute links.
    base_url: str = ""
    # The municipality the request was made in (None on platform pages).
    municipality: Any = None

    def absolute_url(self, path: str) -> str:
        return f"{self.base_url}{path}" if self.base_url else path


def audit_context(request) -> AuditContext:
    """The context of a request, for a service call from a view or an API endpoint."""
    if request is None:
        return AuditContext()
    return AuditContext(
        ip_address=client_ip(request),
        base_url=f"{request.scheme}://{request.get_host()}",
        municipality=getattr(request, "municipality", None),
    )


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
    event: str = "",
    params: dict | None = None,
    context: AuditContext | None = None,
) -> AuditLogEntry:
    """Record one entry. ``event`` is a code a module declares (``kit.AuditEvent``) with its
    ``params`` (plain JSON values); the page shows it in the reader's language. ``summary`` is
    the English text for exports; it is made from the event when not given."""
    params = params or {}
    if event:
        if event not in kit.audit_events():
            raise ValueError(f"unknown audit event {event!r}: declare it in the module's module.py")
        if not summary:
            with translation.override("en"):
                summary = event_message(event, params)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ip = context.ip_address if context is not None else None
    return AuditLogEntry.objects.create(
        municipality=municipality,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        event=event,
        params=params,
        summary=summary[:500],
        ip_address=ip,
    )


def event_message(event: str, params: dict | None) -> str:
    """The message of ``event`` in the active language, or "" for an unknown one (an old entry,
    or a module that is no longer installed: the caller shows the stored summary)."""
    declared = kit.audit_events().get(event) if event else None
    if declared is None:
        return ""
    try:
        return str(declared.message) % (params or {})
    except (KeyError, TypeError, ValueError):
        return ""


def audit_view(
    request, *, summary: str = "", obj: models.Model | None = None, **fields
) -> AuditLogEntry:
    """Record that the person of ``request`` looked at personal data, in the request's
    municipality (pages and API endpoints; services record their own changes)."""
    return audit_log(
        municipality=request.municipality,
        actor=request.user,
        action="view",
        obj=obj,
        summary=summary,
        context=audit_context(request),
        **fields,
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

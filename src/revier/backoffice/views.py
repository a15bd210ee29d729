"""The back office's own pages: the overview, the audit log and the roles and permissions."""

from django.utils.translation import gettext as _

from revier.backoffice.forms import AuditLogFilterForm
from revier.backoffice.framework import (
    ACCESS_PERMISSION,
    backoffice_view,
    render_backoffice,
    sections_for,
)
from revier.backoffice.tables import Column, DataTable
from revier.core import kit
from revier.core.audit import audit_log_entries, audit_view


@backoffice_view()
def dashboard(request):
    # StaffRole rows of the active municipality (the scoped manager confines them).
    role_keys = sorted(request.user.staff_roles.values_list("role", flat=True))
    roles = []
    for key in role_keys:
        declared = kit.role(key)
        roles.append(
            {
                "label": str(declared.label) if declared else key,
                # A role of a module not built yet: said plainly, not "nothing to do here".
                "available": kit.role_in_use(key),
                "module": declared.description if declared else "",
            }
        )
    sections = [s for s in sections_for(request) if s.description]
    return render_backoffice(
        request,
        "backoffice/dashboard.html",
        {"roles": roles, "sections": sections},
        section="dashboard",
    )


@backoffice_view("core.view_auditlog")
def audit_log_list(request):
    form = AuditLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # Recorded before reading, so the list a person sees includes their own look at it.
    audit_view(
        request,
        object_type="core.AuditLogEntry",
        object_repr=_("audit log"),
        summary="viewed audit log",
        event="backoffice.audit_log_viewed",
    )
    table = DataTable(
        request=request,
        queryset=audit_log_entries(**filters),
        columns=[
            Column("time", _("Time"), ("created_at",)),
            Column("actor", _("Actor"), ("actor_email",)),
            Column("action", _("Action"), ("action",)),
            Column("object", _("Object"), ("object_repr",)),
            Column("what", _("What happened")),
        ],
        default_sort="-time",
        caption=_("Audit log entries"),
    )
    return render_backoffice(
        request,
        "backoffice/audit_log.html",
        {"form": form, "page": table.page, "table": table},
        section="audit",
        status=400 if form.is_bound and form.errors else 200,
    )


@backoffice_view("backoffice.view_roles")
def roles(request):
    """Which role holds which permission: the data every module declares, read-only."""
    all_roles = kit.roles()
    rows = []
    for perm in [
        kit.Permission(ACCESS_PERMISSION, _("Open the back office"), ()),
        *kit.permissions(),
    ]:
        holders = {r.key for r in all_roles} if perm.key == ACCESS_PERMISSION else set(perm.roles)
        rows.append(
            {
                "permission": perm,
                "module": kit.owner_of("permissions", perm.key) or "backoffice",
                "cells": [{"role": r, "granted": r.key in holders} for r in all_roles],
            }
        )
    return render_backoffice(
        request,
        "backoffice/roles.html",
        {
            "roles": all_roles,
            "rows": rows,
            "unavailable": {r.key for r in all_roles if not kit.role_in_use(r.key)},
        },
        section="roles",
    )

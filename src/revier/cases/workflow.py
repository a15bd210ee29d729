"""Case workflows: the statuses a case can have and the moves between them.

A municipality may configure one workflow per service (``Workflow`` with a LeiKa key) and a
default (``leika=""``); without either the code default below applies. Every status has a
``kind`` (``StatusKind``) that the platform understands: filters, deadlines, the applicant's
view and the closing rules work on kinds, so a custom status such as "Ortstermin" behaves like
any other open status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from revier.cases.models import StatusKind, Workflow

ERROR_STATUS = "intake_error"
KEY_RE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class Status:
    key: str
    kind: str
    label_de: str = ""
    label_en: str = ""
    default_label: object = None  # a lazy translation for the shipped statuses

    @property
    def label(self) -> str:
        if self.default_label is not None:
            return str(self.default_label)
        if (get_language() or "de").startswith("en"):
            return self.label_en or self.label_de or self.key
        return self.label_de or self.label_en or self.key


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    initial: str
    statuses: tuple[Status, ...]
    transitions: dict[str, tuple[str, ...]]

    def status(self, key: str) -> Status | None:
        if key == ERROR_STATUS:
            return ERROR
        return next((s for s in self.statuses if s.key == key), None)

    def label(self, key: str) -> str:
        status = self.status(key)
        return status.label if status else key

    def kind(self, key: str) -> str:
        status = self.status(key)
        return status.kind if status else StatusKind.OPEN

    def allowed(self, from_key: str) -> tuple[Status, ...]:
        keys = self.transitions.get(from_key, ())
        return tuple(s for s in self.statuses if s.key in keys)

    def can_move(self, from_key: str, to_key: str) -> bool:
        return to_key in self.transitions.get(from_key, ())


ERROR = Status(
    ERROR_STATUS, StatusKind.ERROR, default_label=pgettext_lazy("case status", "intake failed")
)

DEFAULT_WORKFLOW = WorkflowDefinition(
    name="default",
    initial="received",
    statuses=(
        Status("received", StatusKind.OPEN, default_label=pgettext_lazy("case status", "received")),
        Status(
            "in_progress",
            StatusKind.OPEN,
            default_label=pgettext_lazy("case status", "in progress"),
        ),
        Status(
            "waiting",
            StatusKind.WAITING,
            default_label=pgettext_lazy("case status", "waiting for the applicant"),
        ),
        Status(
            "decided", StatusKind.DECIDED, default_label=pgettext_lazy("case status", "decided")
        ),
        Status("closed", StatusKind.CLOSED, default_label=pgettext_lazy("case status", "closed")),
    ),
    transitions={
        "received": ("in_progress", "waiting", "decided", "closed"),
        "in_progress": ("waiting", "decided", "closed"),
        "waiting": ("in_progress", "decided", "closed"),
        "decided": ("in_progress", "closed"),
        "closed": (),
    },
)


def definition_from_row(row: Workflow) -> WorkflowDefinition:
    return WorkflowDefinition(
        name=row.name,
        initial=row.initial,
        statuses=tuple(
            Status(s["key"], s["kind"], s.get("label_de", ""), s.get("label_en", ""))
            for s in row.statuses
        ),
        transitions={k: tuple(v) for k, v in row.transitions.items()},
    )


def workflow_validate(*, statuses: list[dict], transitions: dict, initial: str) -> None:
    """Refuse a workflow that could strand a case; every problem is named."""
    errors: list[str] = []
    keys = [s.get("key", "") for s in statuses]
    if len(set(keys)) != len(keys):
        errors.append(_("Every status needs its own key."))
    for s in statuses:
        key = s.get("key", "")
        if not key or not set(key) <= KEY_RE_CHARS or len(key) > 40 or key == ERROR_STATUS:
            errors.append(
                _("The key “%(key)s” is not allowed: use lower-case letters, digits and _.")
                % {"key": key}
            )
        if s.get("kind") not in {
            StatusKind.OPEN,
            StatusKind.WAITING,
            StatusKind.DECIDED,
            StatusKind.CLOSED,
        }:
            errors.append(_("The status “%(key)s” has no valid kind.") % {"key": key})
        if not (s.get("label_de") or "").strip():
            errors.append(_("The status “%(key)s” needs a German label.") % {"key": key})
    if initial not in keys:
        errors.append(_("The initial status must be one of the statuses."))
    elif dict((s["key"], s.get("kind")) for s in statuses if "key" in s)[initial] != "open":
        errors.append(_("The initial status must be an open status."))
    for source, targets in transitions.items():
        if source not in keys:
            errors.append(_("A move starts at the unknown status “%(key)s”.") % {"key": source})
        for target in targets:
            if target not in keys:
                errors.append(_("A move leads to the unknown status “%(key)s”.") % {"key": target})
    kinds = {s.get("key"): s.get("kind") for s in statuses}
    if StatusKind.CLOSED not in kinds.values():
        errors.append(_("A workflow needs at least one closed status."))
    # Every non-closed status must be able to reach a closed one, or cases could never end.
    closed = {k for k, kind in kinds.items() if kind == StatusKind.CLOSED}
    reach = set(closed)
    changed = True
    while changed:
        changed = False
        for source, targets in transitions.items():
            if source not in reach and reach & set(targets):
                reach.add(source)
                changed = True
    stranded = sorted(k for k in kinds if k not in reach)
    if stranded and not errors:
        errors.append(
            _("From these statuses a case can never be closed: %(keys)s.")
            % {"keys": ", ".join(stranded)}
        )
    if errors:
        raise ValidationError(errors)


def workflows_for(leikas) -> dict[str, WorkflowDefinition]:
    """The workflow of each LeiKa key in the active municipality, in one query."""
    leikas = set(leikas)
    rows = {w.leika: w for w in Workflow.objects.filter(leika__in=leikas | {""})}
    default = definition_from_row(rows[""]) if "" in rows else DEFAULT_WORKFLOW
    return {
        leika: definition_from_row(rows[leika]) if leika in rows else default for leika in leikas
    }


def workflow_for(leika: str) -> WorkflowDefinition:
    return workflows_for([leika])[leika]

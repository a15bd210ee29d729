"""Case workflows: the statuses a case can have and the moves between them.

A municipality may configure one workflow per service (``Workflow`` with a LeiKa key) and a
default (``leika=""``); without either the code default below applies. Every status has a
``kind`` (``StatusKind``) that the platform understands: filters, deadlines, the applicant's
view and the closing rules work on kinds, so a custom status such as "Ortstermin" behaves like
any other open status.

The moves themselves run through the platform's workflow engine (``revier.core.workflow``): each
case workflow, from code or from the database rows, carries an engine definition (``.engine``)
whose transitions require ``cases.view_cases``, whose closing moves are guarded by a recorded
result, and whose history is the case's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from revier.cases.models import CaseEvent, StatusKind, Workflow
from revier.core import workflow as core_workflow

ERROR_STATUS = "intake_error"
KEY_RE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
# Who may move a case by hand: whoever may work on cases (which case, the office check decides).
MOVE_PERMISSION = "cases.view_cases"


@dataclass(frozen=True)
class Status:
    """A case status; to the engine a state (key, label, kind)."""

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

    def __str__(self) -> str:
        return self.label


def _result_recorded(case, actor) -> str | None:
    """Guard of every move to a closed status."""
    if case.result:
        return None
    return _("Record the result before closing the case.")


def _enter(case, status: Status, now: dt.datetime) -> list[str]:
    """The fields that follow from the status' kind, kept on the case for filters without joins."""
    case.status_kind = status.kind
    case.waiting_since = now if status.kind == StatusKind.WAITING else None
    case.closed_at = now if status.kind == StatusKind.CLOSED else None
    return ["status_kind", "waiting_since", "closed_at"]


def _record(move: core_workflow.Move) -> CaseEvent:
    """The history of a case is its timeline; status changes are shown to the applicant."""
    return CaseEvent(
        municipality_id=move.obj.municipality_id,
        case=move.obj,
        kind=CaseEvent.Kind.STATUS,
        actor=move.actor,
        from_status=move.from_state,
        to_status=move.to_state,
        text=move.note,
        public=True,
    )


@dataclass(frozen=True)
class WorkflowDefinition:
    """A case workflow as administrators write it (statuses, and for each status the keys it may
    move to), with the engine definition built from it."""

    name: str
    initial: str
    statuses: tuple[Status, ...]
    transitions: dict[str, tuple[str, ...]]
    engine: core_workflow.WorkflowDefinition = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = [s.key for s in self.statuses]
        sources: dict[str, list[str]] = {}
        for source, targets in self.transitions.items():
            for target in targets:
                sources.setdefault(target, []).append(source)
        kinds = {s.key: s.kind for s in self.statuses}
        definition = core_workflow.WorkflowDefinition(
            name=self.name,
            # The error status belongs to every workflow: intake sets it, no move leads there.
            states=(*self.statuses, ERROR),
            transitions=tuple(
                core_workflow.Transition(
                    sources=tuple(sources[target]),
                    target=target,
                    permission=MOVE_PERMISSION,
                    guard=_result_recorded if kinds[target] == StatusKind.CLOSED else None,
                )
                for target in keys
                if target in sources
            ),
            initial=self.initial,
            final_kinds=frozenset({StatusKind.CLOSED, StatusKind.ERROR}),
            state_field="status",
            history=_record,
            on_enter=_enter,
            lock_related=("municipality",),
        )
        object.__setattr__(self, "engine", definition)

    def status(self, key: str) -> Status | None:
        return self.engine.state(key)

    def label(self, key: str) -> str:
        return self.engine.label(key)

    def kind(self, key: str) -> str:
        return self.engine.kind(key) or StatusKind.OPEN

    def allowed(self, from_key: str) -> tuple[Status, ...]:
        """The statuses declared reachable from ``from_key`` (whoever asks)."""
        return self.engine.targets(from_key)

    def allowed_for(self, case, user) -> tuple[Status, ...]:
        """The statuses ``user`` may move ``case`` to. Guards are left out: the status form
        itself asks for the result a closing move needs."""
        keys = {
            t.target
            for t in core_workflow.allowed_transitions(
                case, user, municipality=case.municipality, definition=self.engine, guards=False
            )
        }
        return tuple(s for s in self.allowed(case.status) if s.key in keys)

    def can_move(self, from_key: str, to_key: str) -> bool:
        return self.engine.transition_between(from_key, to_key) is not None


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
    stranded = core_workflow.stranded_states(
        keys=kinds,
        final={k for k, kind in kinds.items() if kind == StatusKind.CLOSED},
        edges=transitions,
    )
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


def engine_definition_of(case) -> core_workflow.WorkflowDefinition:
    """The engine's definition for ``case`` (registered in ``CasesConfig.ready``)."""
    return workflow_for(case.leika).engine

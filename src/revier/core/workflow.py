"""Declared workflows: the states an object can be in, the moves between them, who may make each
move, and the history every move leaves.

A module declares a ``WorkflowDefinition`` — in code, or built from rows an administrator keeps
(cases build one per service) — and moves its objects only through ``transition()``. It checks
that the move is declared from the object's current state, that the actor holds the move's
permission in the municipality and that no guard vetoes it; it locks the row so that two people
cannot move the same object at once, sets the state and the fields that follow from it, and
writes the history entry in the same transaction. ``allowed_transitions()`` answers what a person
may do next, for forms and APIs.

Base layer: imports no domain app. Why not django-fsm or viewflow: docs/adr/0019-workflow-engine.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# A transition source that stands for every state that is not final ("withdraw at any time").
ANY = "*"


class StateKind:
    """The generic kinds. A module may use its own vocabulary (cases: open, waiting, decided,
    closed, error); what the engine needs to know is which kinds are final."""

    INITIAL = "initial"
    OPEN = "open"
    FINAL = "final"


@dataclass(frozen=True)
class State:
    """A state. A module may use its own class instead (cases' ``Status`` picks its label by
    language): the engine reads only ``key``, ``label`` and ``kind``."""

    key: str
    label: Any = ""  # a string or a lazy translation; the key when empty
    kind: str = StateKind.OPEN

    def __str__(self) -> str:
        return str(self.label or self.key)


# A guard sees the (locked) object and the actor; it returns why the move is refused, or None.
Guard = Callable[[Any, Any], "str | None"]


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: Any = ""
    # Checked as ``actor.has_perm(permission, municipality)``; None: anyone the calling service
    # let through may make the move.
    permission: str | None = None
    guard: Guard | None = None

    def leaves(self, key: str, definition: WorkflowDefinition) -> bool:
        if key in self.sources:
            return True
        return ANY in self.sources and not definition.is_final(key)


@dataclass(frozen=True)
class Move:
    """What a history recorder is given to build its entry from."""

    obj: Any
    definition: WorkflowDefinition
    transition: Transition
    from_state: str
    to_state: str
    actor: Any
    municipality: Any
    note: str
    at: dt.datetime


# Builds the history entry of a move, unsaved: ``transition()`` saves it, a bulk change may
# ``bulk_create`` many.
HistoryRecorder = Callable[[Move], models.Model]
# Sets the fields that follow from entering a state (e.g. ``closed_at``); returns their names.
OnEnter = Callable[[Any, State, dt.datetime], Iterable[str]]


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str = ""  # the first state of kind "initial", else the first state, when empty
    final_kinds: frozenset[str] = frozenset({StateKind.FINAL})
    state_field: str = "status"
    history: HistoryRecorder | None = None
    on_enter: OnEnter | None = None
    # Related rows fetched with the locked row (what the caller reads right after the move).
    lock_related: tuple[str, ...] = ()
    _by_key: dict[str, State] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {s.key: s for s in self.states}
        if len(by_key) != len(self.states):
            raise ImproperlyConfigured(f"Workflow {self.name!r} declares a state twice.")
        object.__setattr__(self, "_by_key", by_key)
        if not self.initial and self.states:
            first = next((s for s in self.states if s.kind == StateKind.INITIAL), self.states[0])
            object.__setattr__(self, "initial", first.key)

    # --- queries on the definition ----------------------------------------------------------

    def state(self, key: str) -> State | None:
        return self._by_key.get(key)

    def label(self, key: str) -> str:
        state = self.state(key)
        return str(state.label or state.key) if state else key

    def kind(self, key: str) -> str | None:
        state = self.state(key)
        return state.kind if state else None

    def is_final(self, key: str) -> bool:
        return self.kind(key) in self.final_kinds

    def transitions_from(self, key: str) -> tuple[Transition, ...]:
        """The declared moves out of ``key`` (without asking who may make them)."""
        if self.state(key) is None:
            return ()
        return tuple(t for t in self.transitions if t.leaves(key, self))

    def targets(self, key: str) -> tuple[State, ...]:
        """The states declared reachable from ``key`` in one move, in declaration order."""
        keys = {t.target for t in self.transitions_from(key)}
        return tuple(s for s in self.states if s.key in keys)

    def transition_between(self, from_key: str, to_key: str) -> Transition | None:
        return next((t for t in self.transitions_from(from_key) if t.target == to_key), None)

    def problems(self) -> list[str]:
        """What is wrong with the declaration; empty when it is sound. Every transition must name
        declared states, and every state must be able to reach a final one."""
        errors = []
        if self.initial not in self._by_key:
            errors.append(f"the initial state {self.initial!r} is not declared")
        for t in self.transitions:
            for key in (*t.sources, t.target):
                if key != ANY and key not in self._by_key:
                    errors.append(f"a transition names the undeclared state {key!r}")
        if not errors:
            stranded = stranded_states(
                keys=self._by_key,
                final={s.key for s in self.states if s.kind in self.final_kinds},
                edges={
                    s.key: [t.target for t in self.transitions_from(s.key)] for s in self.states
                },
            )
            if stranded:
                errors.append(f"no final state can be reached from {', '.join(stranded)}")
        return errors


def stranded_states(
    *, keys: Iterable[str], final: Iterable[str], edges: Mapping[str, Iterable[str]]
) -> list[str]:
    """The states from which no final state can be reached (sorted), or an object in them could
    never be finished."""
    reach = set(final)
    edges = {source: set(targets) for source, targets in edges.items()}
    changed = True
    while changed:
        changed = False
        for source, targets in edges.items():
            if source not in reach and reach & targets:
                reach.add(source)
                changed = True
    return sorted(k for k in keys if k not in reach)


# --- refusals --------------------------------------------------------------------------------


class TransitionRefused(ValidationError):
    """The move is not declared from the object's state, or a guard vetoed it.

    ``code`` says which: ``unknown_state`` (the target is not a state of the workflow),
    ``not_declared`` (no declared move from the current state to the target) or ``guard``."""

    def __init__(self, message, *, code: str, from_state: str, to_state: str) -> None:
        super().__init__(message, code=code)
        self.from_state = from_state
        self.to_state = to_state


class TransitionForbidden(PermissionDenied):
    """The actor lacks the permission the move requires."""

    code = "permission"

    def __init__(self, message, *, permission: str, from_state: str, to_state: str) -> None:
        super().__init__(message)
        self.permission = permission
        self.from_state = from_state
        self.to_state = to_state


def _has_perm(actor, permission: str, municipality) -> bool:
    return actor is not None and actor.has_perm(permission, municipality)


def check(
    *,
    definition: WorkflowDefinition,
    obj,
    to: str,
    actor,
    municipality,
    check_permission: bool = True,
    has_perm: Callable[[str], bool] | None = None,
) -> Transition:
    """The transition that moves ``obj`` to ``to``, or ``TransitionRefused`` /
    ``TransitionForbidden``. Changes nothing; ``transition()`` calls it on the locked row.

    ``has_perm`` may replace the permission lookup (a bulk change asks once, not per row)."""
    current = getattr(obj, definition.state_field)
    if definition.state(to) is None:
        raise TransitionRefused(
            _("“%(state)s” is not a state of this workflow.") % {"state": to},
            code="unknown_state",
            from_state=current,
            to_state=to,
        )
    found = definition.transition_between(current, to)
    if found is None:
        raise TransitionRefused(
            _("No move is declared from “%(from)s” to “%(to)s”.")
            % {"from": definition.label(current), "to": definition.label(to)},
            code="not_declared",
            from_state=current,
            to_state=to,
        )
    if check_permission and found.permission:
        allowed = (
            has_perm(found.permission)
            if has_perm is not None
            else _has_perm(actor, found.permission, municipality)
        )
        if not allowed:
            raise TransitionForbidden(
                _("You may not make this move."),
                permission=found.permission,
                from_state=current,
                to_state=to,
            )
    if found.guard is not None:
        reason = found.guard(obj, actor)
        if reason:
            raise TransitionRefused(reason, code="guard", from_state=current, to_state=to)
    return found


def enter(*, definition: WorkflowDefinition, obj, to: str, at: dt.datetime) -> list[str]:
    """Set ``obj``'s state and the fields that follow from it (in memory); returns the names of
    the fields to save."""
    setattr(obj, definition.state_field, to)
    fields = [definition.state_field]
    if definition.on_enter is not None:
        fields += [f for f in definition.on_enter(obj, definition.state(to), at) if f not in fields]
    return fields


# --- which workflow an object follows --------------------------------------------------------

_resolvers: dict[type, Callable[[Any], WorkflowDefinition]] = {}


def register(model: type[models.Model], resolver: Callable[[Any], WorkflowDefinition]) -> None:
    """Declare how to find the workflow of ``model``'s objects (called in ``AppConfig.ready``);
    the resolver may read the database, e.g. a workflow configured per service."""
    existing = _resolvers.get(model)
    if existing is not None and existing is not resolver:
        raise ImproperlyConfigured(f"{model._meta.label} already has a workflow.")
    _resolvers[model] = resolver


def definition_for(obj) -> WorkflowDefinition:
    for cls in type(obj).__mro__:
        if cls in _resolvers:
            return _resolvers[cls](obj)
    raise ImproperlyConfigured(f"{type(obj).__name__} has no registered workflow.")


# --- the one write, and what a person may do next --------------------------------------------


def transition(
    *,
    obj: models.Model,
    to: str,
    actor,
    municipality,
    note: str = "",
    definition: WorkflowDefinition | None = None,
    changes: Mapping[str, Any] | None = None,
    check_permission: bool = True,
) -> models.Model:
    """Move ``obj`` to the state ``to`` and return the saved history entry.

    The row is locked (``select_for_update``) and read again, so the check runs on the state
    another person may just have set, never on a stale copy: of two clerks moving the same case
    at once the second waits and is then checked against the first one's result. ``changes``
    (field → value) are set on the locked row before the guard runs and saved with the state.
    ``check_permission=False`` only where the calling service has itself decided that ``actor``
    may cause this move (the applicant's answer moves a waiting case back to work).

    Raises ``TransitionRefused`` (a ``ValidationError``) or ``TransitionForbidden`` (a
    ``PermissionDenied``) and changes nothing when the move is not allowed. On success ``obj``
    carries the saved fields too."""
    definition = definition or definition_for(obj)
    if definition.history is None:
        raise ImproperlyConfigured(f"Workflow {definition.name!r} has no history recorder.")
    model = type(obj)
    with transaction.atomic():
        # Only the object's own row: locking a joined municipality row would make every move in
        # the municipality wait for every other.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        query = model._default_manager.select_for_update(of=of)
        if definition.lock_related:
            query = query.select_related(*definition.lock_related)
        locked = query.get(pk=obj.pk)
        changes = dict(changes or {})
        for name, value in changes.items():
            setattr(locked, name, value)
        found = check(
            definition=definition,
            obj=locked,
            to=to,
            actor=actor,
            municipality=municipality,
            check_permission=check_permission,
        )
        from_state = getattr(locked, definition.state_field)
        now = timezone.now()
        fields = enter(definition=definition, obj=locked, to=to, at=now)
        fields += [name for name in changes if name not in fields]
        auto_now = [
            f.name
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in fields
        ]
        locked.save(update_fields=fields + auto_now)
        entry = definition.history(
            Move(
                obj=locked,
                definition=definition,
                transition=found,
                from_state=from_state,
                to_state=to,
                actor=actor,
                municipality=municipality,
                note=note,
                at=now,
            )
        )
        entry.save()
    if obj is not locked:
        for name in fields + auto_now:
            setattr(obj, name, getattr(locked, name))
    return entry


def allowed_transitions(
    obj,
    user,
    *,
    municipality=None,
    definition: WorkflowDefinition | None = None,
    guards: bool = True,
) -> list[Transition]:
    """The moves ``user`` may make on ``obj`` now: declared from its state, permitted, and not
    vetoed by a guard. ``municipality`` defaults to the object's. ``guards=False`` where the
    form that offers the moves can itself satisfy a guard (a closing form asks for the result)."""
    definition = definition or definition_for(obj)
    if municipality is None:
        municipality = getattr(obj, "municipality", None)
    current = getattr(obj, definition.state_field)
    permitted: dict[str, bool] = {}
    allowed = []
    for t in definition.transitions_from(current):
        if t.permission:
            if t.permission not in permitted:
                permitted[t.permission] = _has_perm(user, t.permission, municipality)
            if not permitted[t.permission]:
                continue
        if guards and t.guard is not None and t.guard(obj, user):
            continue
        allowed.append(t)
    return allowed

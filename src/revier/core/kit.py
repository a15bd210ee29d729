"""The platform kit's registries: what each module contributes to the platform.

A module is one folder. Its ``AppConfig`` subclasses ``ModuleConfig`` and returns a
``Contributions`` from ``contribute()``: permissions and the roles that get them by default,
back-office sections, public module switches, notification events, processing activities and its
personal-data provider, Celery task routes and periodic schedules, demo data, blocks on the
municipality's home page, and its URL and API routes. The platform reads these registries (the
back office's navigation, the permission backend, the privacy page and export, the Celery router
and beat schedule, ``revier demo``, the home page, the URL confs); no platform file names a module.

Everything here is plain data. Callables are given as dotted paths and imported when first used,
so declaring a contribution never imports models before the app registry is ready. This module
imports no app of Revier (it is the base layer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

Text = str | Promise

# Held by every staff role: opens the back office; what a person sees there depends on the rest.
ACCESS_PERMISSION = "backoffice.access"


# --- what a module can contribute ------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A staff role in a municipality (stored on ``StaffRole.role``)."""

    key: str
    label: Text
    order: int = 100
    description: Text = ""


@dataclass(frozen=True)
class Permission:
    """A permission checked as ``user.has_perm(key, municipality)``; ``roles`` hold it."""

    key: str
    label: Text
    roles: tuple[str, ...]
    description: Text = ""


@dataclass(frozen=True)
class BackofficeGroup:
    """A group of the back office's navigation (Online-Dienste, Vorgänge, Hub, …)."""

    key: str
    label: Text
    order: int = 100


@dataclass(frozen=True)
class BackofficeSection:
    """An entry of the back office's navigation."""

    key: str
    label: Text
    url_name: str
    permission: str
    description: Text = ""
    group: str = "administration"
    order: int = 100
    module: str = ""  # shown only where this public module is switched on (empty: always)


@dataclass(frozen=True)
class Module:
    """A public module a municipality switches on or off (navigation, 404 when off)."""

    key: str
    label: Text
    url_name: str
    description: Text = ""


@dataclass(frozen=True)
class AuditEvent:
    """A kind of audit-log entry: stored as ``code`` with its parameters, shown in the reader's
    language. ``message`` uses the parameters as ``%(name)s``."""

    code: str
    message: Text


@dataclass(frozen=True)
class NotificationEvent:
    """An event people are notified of, with the shipped default wording.

    ``placeholders`` names the values the sender fills in; texts use them as ``{name}``.
    """

    key: str
    label: Text
    subject: Text
    body: Text
    sms: Text
    placeholders: tuple[str, ...] = ("municipality", "reference", "service", "status", "link")


@dataclass(frozen=True)
class ProcessingActivity:
    """An entry of the register of processing activities (Art. 30 GDPR), shown on the privacy
    page of each municipality (Art. 13 GDPR)."""

    key: str
    name: Text
    purpose: Text
    data_categories: Text
    legal_basis: Text
    retention: Text
    recipients: Text
    module: str = ""  # empty: always; else only where this public module is switched on
    order: int = 100


@dataclass(frozen=True)
class PersonalDataProvider:
    """A module's part of a person's GDPR export and erasure (Art. 15, 17, 20 GDPR).

    The privacy module runs every provider by ``order`` (then registration order). ``key`` is
    unique, ``label`` names the module's part for people; the other fields but ``order`` are
    dotted paths or a template name, each optional except ``export``:

    * ``export``: ``f(*, user) -> dict``. The module's top-level sections of the export, JSON-ready
      and bounded per person (e.g. ``{"cases": [...]}``); a section key belongs to one provider.
    * ``erase``: ``f(*, user) -> dict[str, int]``. Deletes or anonymises the module's data of the
      person before the account row goes; runs inside the erasure's transaction and returns what
      it did (logged, and returned to the caller; keys unique across providers).
    * ``erase_blockers``: ``f(*, user) -> list[str]``. Translated reasons why the account cannot
      be deleted yet (empty: nothing in the way).
    * ``municipalities``: ``f(*, user) -> Iterable[int]``. The ids of the municipalities holding
      the module's data of the person; each records the export and the erasure in its audit log.
    * ``pdf_template``: a template name. Renders the module's part of the PDF export; it gets the
      whole export as ``data`` (empty: the module's data is in the JSON export only).

    Data across municipalities is read with ``scopes_disabled()`` narrowly, every query filtered
    by the person; such a function must be in ``tests/kit/test_scopes_disabled_allowlist.py``.
    """

    key: str
    label: Text
    export: str
    erase: str = ""
    erase_blockers: str = ""
    municipalities: str = ""
    pdf_template: str = ""
    order: int = 100


@dataclass(frozen=True)
class TaskRoute:
    task: str
    queue: str


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: str
    schedule: float  # seconds
    kwargs: dict = field(default_factory=dict)
    # Also sent once when a worker has started: a safety net (outbox, delivery sweep) then
    # takes over what a killed worker left at once, not one interval later.
    at_worker_start: bool = False


@dataclass(frozen=True)
class DemoStep:
    """Creates or refreshes a module's demo data (idempotent); steps run by ``order``."""

    key: str
    run: str  # dotted path of f(*, stdout) -> None
    order: int = 100


@dataclass(frozen=True)
class HomeBlock:
    """A block on the municipality's home page, shown where ``module`` is switched on."""

    key: str
    template: str
    context: str = ""  # dotted path of f(request) -> dict | None (None: block not shown)
    order: int = 100
    module: str = ""


@dataclass(frozen=True)
class UrlMount:
    """URL routes of a module. ``site``: ``municipality`` (below /<slug>/ or a custom domain),
    ``platform`` (the platform's own host), ``api`` (below /api/v1/). Mounts are included by
    ``order`` (lower first: more specific routes before catch-alls)."""

    prefix: str
    urlconf: str
    site: str = "municipality"
    order: int = 100


@dataclass(frozen=True)
class SearchSourceRef:
    """A source the search backend indexes (``revier.core.search``): the dotted path of a
    ``SearchSource`` instance."""

    key: str
    source: str


@dataclass(frozen=True)
class MetricSource:
    """Gauges for operators, computed when Prometheus scrapes ``/metrics``
    (``revier.core.metrics``): the dotted path of ``f() -> Iterable[Metric]`` (prometheus_client
    metric families). Keep them cheap and bounded: one aggregate query, no per-row labels."""

    key: str
    collect: str


@dataclass(frozen=True)
class Contributions:
    roles: Iterable[Role] = ()
    permissions: Iterable[Permission] = ()
    backoffice_groups: Iterable[BackofficeGroup] = ()
    backoffice_sections: Iterable[BackofficeSection] = ()
    modules: Iterable[Module] = ()
    notification_events: Iterable[NotificationEvent] = ()
    processing_activities: Iterable[ProcessingActivity] = ()
    personal_data: Iterable[PersonalDataProvider] = ()
    task_routes: Iterable[TaskRoute] = ()
    periodic_tasks: Iterable[PeriodicTask] = ()
    demo: Iterable[DemoStep] = ()
    home_blocks: Iterable[HomeBlock] = ()
    urls: Iterable[UrlMount] = ()
    search_sources: Iterable[SearchSourceRef] = ()
    metric_sources: Iterable[MetricSource] = ()
    audit_events: Iterable[AuditEvent] = ()


# --- the registries ---------------------------------------------------------------------------

KINDS = tuple(Contributions.__dataclass_fields__)
_KEYS = {
    "roles": "key",
    "permissions": "key",
    "backoffice_groups": "key",
    "backoffice_sections": "key",
    "modules": "key",
    "notification_events": "key",
    "processing_activities": "key",
    "personal_data": "key",
    "task_routes": "task",
    "periodic_tasks": "name",
    "demo": "key",
    "home_blocks": "key",
    "urls": None,  # several mounts may share a prefix
    "search_sources": "key",
    "metric_sources": "key",
    "audit_events": "code",
}
# kind -> list of (app label, item), in registration (INSTALLED_APPS) order
_registry: dict[str, list[tuple[str, Any]]] = {kind: [] for kind in KINDS}


class DuplicateContribution(ValueError):
    pass


def contribute(app_label: str, contributions: Contributions) -> None:
    """Record what ``app_label`` contributes; a key taken by another item is refused."""
    for kind in KINDS:
        key_attr = _KEYS[kind]
        for item in getattr(contributions, kind):
            if key_attr is not None:
                key = getattr(item, key_attr)
                for owner, other in _registry[kind]:
                    if getattr(other, key_attr) == key:
                        if other == item:
                            break
                        raise DuplicateContribution(
                            f"{kind} {key!r} of {app_label!r} is already contributed by {owner!r}."
                        )
                else:
                    _registry[kind].append((app_label, item))
            else:
                _registry[kind].append((app_label, item))
    _clear_caches()


def items(kind: str) -> list[Any]:
    return [item for _owner, item in _registry[kind]]


def contributions_of(app_label: str) -> dict[str, list[Any]]:
    """What one app contributed, by kind (for the checker and the docs)."""
    return {kind: [item for owner, item in _registry[kind] if owner == app_label] for kind in KINDS}


def owner_of(kind: str, key: str) -> str | None:
    key_attr = _KEYS[kind]
    for owner, item in _registry[kind]:
        if getattr(item, key_attr) == key:
            return owner
    return None


def _clear_caches() -> None:
    for fn in (_roles, _permissions, _sections, _events, _modules, _routes):
        fn.cache_clear()


@cache
def _roles() -> dict[str, Role]:
    return {r.key: r for r in sorted(items("roles"), key=lambda r: r.order)}


@cache
def _permissions() -> dict[str, Permission]:
    return {p.key: p for p in items("permissions")}


@cache
def _sections() -> tuple[BackofficeSection, ...]:
    # Stable: by group order, then section order, then registration order.
    groups = {g.key: g for g in items("backoffice_groups")}
    indexed = list(enumerate(items("backoffice_sections")))
    indexed.sort(
        key=lambda pair: (
            groups[pair[1].group].order if pair[1].group in groups else 1000,
            pair[1].order,
            pair[0],
        )
    )
    return tuple(s for _i, s in indexed)


@cache
def _events() -> dict[str, NotificationEvent]:
    return {e.key: e for e in items("notification_events")}


@cache
def _modules() -> dict[str, Module]:
    return {m.key: m for m in items("modules")}


@cache
def _routes() -> dict[str, str]:
    return {r.task: r.queue for r in items("task_routes")}


def roles() -> list[Role]:
    return list(_roles().values())


def role(key: str) -> Role | None:
    return _roles().get(key)


def role_in_use(key: str) -> bool:
    """Whether any installed module gives the role something to do (a permission besides
    opening the back office). Roles of modules not built yet hold none."""
    return any(key in p.roles for p in permissions())


def role_choices() -> list[tuple[str, str]]:
    """Choices of ``StaffRole.role`` (a callable, so a module's role needs no migration)."""
    return [(r.key, r.label) for r in roles()]


def permissions() -> list[Permission]:
    return list(_permissions().values())


def permission(key: str) -> Permission | None:
    return _permissions().get(key)


def roles_granting(key: str) -> frozenset[str]:
    """The roles that hold permission ``key`` (empty for an unknown permission: fail closed)."""
    perm = _permissions().get(key)
    return frozenset(perm.roles) if perm else frozenset()


_DEFAULT_GROUP = BackofficeGroup("administration", _("Administration"), 900)


def backoffice_group(key: str) -> BackofficeGroup:
    for g in items("backoffice_groups"):
        if g.key == key:
            return g
    return _DEFAULT_GROUP if key == _DEFAULT_GROUP.key else BackofficeGroup(key, key, 1000)


def backoffice_sections() -> tuple[BackofficeSection, ...]:
    return _sections()


def modules() -> list[Module]:
    return sorted(_modules().values(), key=lambda m: m.key)


def module(key: str) -> Module | None:
    return _modules().get(key)


def audit_events() -> dict[str, AuditEvent]:
    """The kinds of audit-log entries every module declares, by code."""
    return {e.code: e for e in items("audit_events")}


def notification_events() -> dict[str, NotificationEvent]:
    return _events()


def processing_activities() -> list[ProcessingActivity]:
    indexed = list(enumerate(items("processing_activities")))
    indexed.sort(key=lambda pair: (pair[1].order, pair[0]))
    return [a for _i, a in indexed]


def processing_activities_for(municipality=None) -> list[ProcessingActivity]:
    """The activities in order; for a municipality only those of its enabled modules."""
    return [
        a
        for a in processing_activities()
        if not a.module or (municipality is not None and municipality.module_enabled(a.module))
    ]


def personal_data_providers() -> list[PersonalDataProvider]:
    indexed = list(enumerate(items("personal_data")))
    indexed.sort(key=lambda pair: (pair[1].order, pair[0]))
    return [p for _i, p in indexed]


def task_queue(task_name: str) -> str | None:
    return _routes().get(task_name)


def task_routes() -> dict[str, dict[str, str]]:
    return {task: {"queue": queue} for task, queue in _routes().items()}


def route_task(name, args=None, kwargs=None, options=None, task=None, **kw):
    """Celery router (``CELERY_TASK_ROUTES``): the queue a module declared for the task."""
    queue = task_queue(name)
    return {"queue": queue} if queue else None


def periodic_tasks() -> dict[str, dict[str, Any]]:
    return {
        p.name: {"task": p.task, "schedule": p.schedule, "kwargs": dict(p.kwargs)}
        for p in items("periodic_tasks")
    }


def worker_start_tasks() -> list[PeriodicTask]:
    """Periodic tasks to send once when a worker is ready (``at_worker_start``)."""
    return [p for p in items("periodic_tasks") if p.at_worker_start]


def demo_steps() -> list[DemoStep]:
    indexed = list(enumerate(items("demo")))
    indexed.sort(key=lambda pair: (pair[1].order, pair[0]))
    return [d for _i, d in indexed]


def home_blocks() -> list[HomeBlock]:
    indexed = list(enumerate(items("home_blocks")))
    indexed.sort(key=lambda pair: (pair[1].order, pair[0]))
    return [b for _i, b in indexed]


def url_mounts(site: str) -> list[UrlMount]:
    indexed = [(i, m) for i, m in enumerate(items("urls")) if m.site == site]
    indexed.sort(key=lambda pair: (pair[1].order, pair[0]))
    return [m for _i, m in indexed]


@cache
def resolve(dotted: str) -> Callable:
    """The callable behind a dotted path of a contribution."""
    return import_string(dotted)


class ModuleDisabled(Exception):
    """Raised when a request reaches a module its municipality has switched off."""

    def __init__(self, municipality, key: str):
        self.municipality = municipality
        self.key = key
        super().__init__(f"Module {key!r} is disabled for {municipality.slug!r}.")


# --- the AppConfig every module uses ---------------------------------------------------------


class ModuleConfig(AppConfig):
    """Base of every Revier app's ``AppConfig``: registers what the app contributes when ready.

    The contributions are declared in the app's ``module.py`` as ``contributions() ->
    Contributions`` (imports inside it are fine: it runs in ``ready()``). Subclasses may extend
    ``ready()`` for what is not a contribution (e.g. importing plugin modules).
    """

    def contribute(self) -> Contributions:
        try:
            declaration = import_module(f"{self.name}.module")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.module":
                raise
            return Contributions()
        return declaration.contributions()

    def ready(self) -> None:
        contribute(self.label, self.contribute())

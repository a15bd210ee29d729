"""Background tasks of the core, and the base every municipality task is built on.

Tasks take primitive arguments and, where tenant data is involved, ``municipality_id``
explicitly. A task body never opens a scope itself: :func:`municipality_task` loads the
municipality and runs the body inside its scope, and :func:`for_each_municipality` sweeps over
all municipalities (periodic tasks). Both follow one policy (ADR 0024):

- Only **active** municipalities are worked on. A deactivated one keeps its data, but nothing
  is sent, delivered or checked for it.
- A task whose duty outlives deactivation declares ``include_inactive=True``: the retention
  tasks, because deletion deadlines (GDPR Art. 5(1)(e)) do not stop when a municipality is
  switched off.
- A municipality that no longer exists (or is deactivated, for an active-only task) is skipped
  with a log line and the task returns ``None``; it is not an error worth retrying.

The base layer imports no domain app: the municipality model is looked up by its label
(``REVIER_MUNICIPALITY_MODEL``, default ``tenancy.Municipality``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_scopes import scope

logger = logging.getLogger(__name__)

# Municipalities read per query in a sweep: only their primary keys, so memory stays bounded
# however many there are.
BATCH_SIZE = 500


@shared_task(
    name="revier.core.tasks.send_mail_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_mail_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    reply_to: list[str] | None = None,
    from_email: str = "",
    language: str = "",
) -> int:
    """Send one e-mail; without an ``html`` body the HTML alternative is made from the text."""
    from revier.core.mail import text_to_html

    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to or None,
        from_email=from_email or None,
    )
    message.attach_alternative(
        html or text_to_html(body, language=language or settings.LANGUAGE_CODE), "text/html"
    )
    return message.send()


@shared_task(name="revier.core.tasks.import_run_task")
def import_run_task(*, run_id: int, municipality_id: int | None) -> str:
    """Execute an import run (queue ``background``). ``municipality_id`` None: a platform run."""
    from revier.core.imports.services import import_run_execute

    return import_run_execute(run_id=run_id, municipality_id=municipality_id).status


@shared_task(name="revier.core.tasks.outbox_sweep")
def outbox_sweep() -> dict[str, int]:
    """Periodic: hand over outbox rows that were not handed to the broker at commit, and delete
    old handed-over ones (ADR 0030)."""
    from revier.core import outbox

    return outbox.sweep()


# --- municipality tasks ------------------------------------------------------------------------


def municipality_model():
    return apps.get_model(getattr(settings, "REVIER_MUNICIPALITY_MODEL", "tenancy.Municipality"))


def _has_active_flag(model) -> bool:
    return any(f.name == "is_active" for f in model._meta.get_fields())


def municipalities(*, include_inactive: bool = False):
    """The municipalities a task works on, by the policy above (a queryset)."""
    model = municipality_model()
    qs = model._default_manager.all()
    if not include_inactive and _has_active_flag(model):
        qs = qs.filter(is_active=True)
    return qs


def municipality_get(municipality_id: int, *, include_inactive: bool = False):
    """The municipality a task runs for, or ``None`` (gone, or deactivated by the policy)."""
    return municipalities(include_inactive=include_inactive).filter(pk=municipality_id).first()


def run_in_scope(
    func: Callable, municipality_id: int, *args, include_inactive: bool = False, **kwargs
):
    """Load the municipality and call ``func(*args, municipality=..., **kwargs)`` in its scope;
    ``None`` without calling when the policy skips it."""
    municipality = municipality_get(municipality_id, include_inactive=include_inactive)
    if municipality is None:
        logger.info(
            "%s skipped: municipality %s is gone or inactive",
            getattr(func, "__qualname__", func),
            municipality_id,
        )
        return None
    with scope(municipality=municipality):
        return func(*args, municipality=municipality, **kwargs)


def _task_signature(func: Callable) -> inspect.Signature:
    """The body's signature as the caller sees it: ``municipality_id`` instead of
    ``municipality`` (Celery checks the arguments of ``delay()`` against it)."""
    sig = inspect.signature(func)
    params = [p for name, p in sig.parameters.items() if name != "municipality"]
    municipality_id = inspect.Parameter(
        "municipality_id", inspect.Parameter.KEYWORD_ONLY, annotation=int
    )
    positional = [p for p in params if p.kind != inspect.Parameter.KEYWORD_ONLY]
    keyword = [p for p in params if p.kind == inspect.Parameter.KEYWORD_ONLY]
    return sig.replace(parameters=[*positional, municipality_id, *keyword])


def municipality_task(*, name: str, include_inactive: bool = False, **options):
    """A Celery task run for one municipality, inside its scope.

    The body takes ``municipality`` (the loaded instance) as a keyword; the task takes
    ``municipality_id``. ``options`` go to ``shared_task`` (``bind=True``: the body gets the
    task as its first argument, as usual)::

        @municipality_task(name="revier.x.tasks.cleanup")
        def cleanup(*, municipality) -> int: ...

        cleanup.delay(municipality_id=m.pk)
    """

    def decorate(func: Callable):
        def run(*args, municipality_id: int, **kwargs):
            return run_in_scope(
                func, municipality_id, *args, include_inactive=include_inactive, **kwargs
            )

        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__module__ = func.__module__
        run.__doc__ = func.__doc__
        run.__signature__ = _task_signature(func)
        task = shared_task(name=name, **options)(run)
        task.municipality_task = True
        task.include_inactive = include_inactive
        return task

    return decorate


@dataclass
class Sweep:
    """What :func:`for_each_municipality` did. ``results`` (municipality pk → return value) is
    filled when the work ran inline; enqueued work reports through its own tasks."""

    enqueued: int = 0
    results: dict[int, Any] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)

    def results_by(self, field_name: str = "slug") -> dict[Any, Any]:
        """``results`` keyed by another field of the municipality (one query)."""
        model = municipality_model()
        names = dict(
            model._default_manager.filter(pk__in=list(self.results)).values_list("pk", field_name)
        )
        return {names[pk]: result for pk, result in self.results.items() if pk in names}


def _municipality_ids(*, include_inactive: bool) -> Iterator[int]:
    """Primary keys in ascending order, read in batches (keyset pagination)."""
    qs = municipalities(include_inactive=include_inactive).order_by("pk")
    last = None
    while True:
        batch = qs if last is None else qs.filter(pk__gt=last)
        ids = list(batch.values_list("pk", flat=True)[:BATCH_SIZE])
        yield from ids
        if len(ids) < BATCH_SIZE:
            return
        last = ids[-1]


def _runs_eagerly(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def for_each_municipality(
    task_or_callable, *, include_inactive: bool | None = None, **kwargs
) -> Sweep:
    """Run ``task_or_callable`` for every municipality of the policy, one after another.

    - A :func:`municipality_task`: enqueued once per municipality (``delay``) when a broker is
      configured, so the workers share the work; run inline (``apply``) in eager mode.
    - A plain callable ``f(*, municipality, **kwargs)``: run inline in the municipality's
      scope (work too small to be worth a message, e.g. finding what is due).

    One municipality's failure is logged and recorded in ``Sweep.failed``; the others still
    run. ``include_inactive`` defaults to the task's own declaration.
    """
    if include_inactive is None:
        include_inactive = getattr(task_or_callable, "include_inactive", False)
    is_task = getattr(task_or_callable, "municipality_task", False)
    enqueue = is_task and not _runs_eagerly(task_or_callable)
    label = getattr(task_or_callable, "name", None) or getattr(
        task_or_callable, "__qualname__", repr(task_or_callable)
    )
    sweep = Sweep()
    for municipality_id in _municipality_ids(include_inactive=include_inactive):
        try:
            if enqueue:
                task_or_callable.delay(municipality_id=municipality_id, **kwargs)
                sweep.enqueued += 1
            elif is_task:
                result = task_or_callable.apply(
                    kwargs={"municipality_id": municipality_id, **kwargs}, throw=True
                )
                # apply() ran it here (throw=True raised its error); .get() is refused inside
                # a task, and the periodic sweep is one.
                sweep.results[municipality_id] = result.result
            else:
                sweep.results[municipality_id] = run_in_scope(
                    task_or_callable,
                    municipality_id,
                    include_inactive=include_inactive,
                    **kwargs,
                )
        except Exception:
            logger.exception("%s failed for municipality %s", label, municipality_id)
            sweep.failed.append(municipality_id)
    if sweep.failed:
        logger.error("%s failed for %d municipalities", label, len(sweep.failed))
    return sweep

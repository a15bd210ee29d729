"""Reads of import runs. Who may read a run follows from the importers they may use: a
municipal run is read through the scoped manager (only the active municipality's), a
platform-wide run through ``ImportRun.platform`` and only with its importer's permission."""

from __future__ import annotations

from django.db.models import QuerySet

from revier.core.imports import importers_for, progress_cache_key
from revier.core.models import ImportProblem, ImportRun


def import_runs_visible(*, user, municipality, importer: str | None = None) -> QuerySet:
    """The runs ``user`` may read in the active municipality, newest first."""
    specs = [s for s in importers_for(user, municipality) if importer in (None, s.key)]
    municipal = [s.key for s in specs if not s.platform]
    platform = [s.key for s in specs if s.platform]
    runs = ImportRun.objects.filter(importer__in=municipal)
    if platform:
        runs = runs | ImportRun.platform.filter(importer__in=platform)
    return runs.select_related("started_by").defer("source").order_by("-created_at", "-id")


def import_run_get(*, user, municipality, pk: int) -> ImportRun | None:
    return import_runs_visible(user=user, municipality=municipality).filter(pk=pk).first()


def import_run_problems(*, run: ImportRun) -> QuerySet:
    return ImportProblem.objects.filter(run=run).order_by("position")


def import_run_progress(*, run: ImportRun) -> tuple[int, int | None]:
    """(processed, total): live from the worker while running, else as stored."""
    if run.status == ImportRun.Status.RUNNING:
        from django.core.cache import cache

        live = cache.get(progress_cache_key(run.pk))
        if live:
            return live[0], live[1]
    return run.processed, run.total

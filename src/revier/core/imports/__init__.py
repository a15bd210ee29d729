"""Import jobs: a run record per imported file, executed as a task, with progress (ADR 0017).

A domain app declares an importer where it lives::

    @register_importer(
        "services.catalogue",
        label=_("Federal service catalogue"),
        file_types=(".xml", ".csv", ".json"),
        atomic=False,
        permission="services.import_catalogue",
        platform=True,
    )
    def import_catalogue(source: ImportSource, report: Reporter) -> None: ...

and imports that module in its ``AppConfig.ready()``. The function reads ``source.data``, calls
``report.set_total()`` / ``report.advance()`` for progress, counts what it did with
``report.count()`` and ``report.refuse()`` (a record it did not take, with its location), and
raises :class:`ImportFailed` with every problem when the file as a whole cannot be taken.
:func:`revier.core.imports.services.import_run_execute` does the rest: transaction, status,
problems, rollback.

This module belongs to the base layer: it imports no domain app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

# Problems stored per run; the rest are counted (a broken file of 100,000 rows must not write
# 100,000 problem rows).
MAX_PROBLEMS = 1000
# How often progress is published while a run is working.
PROGRESS_INTERVAL_SECONDS = 0.5


@dataclass(frozen=True)
class Problem:
    """Why a record or the file was refused, and where: ``line 12``, ``services[3]``, an XPath."""

    location: str
    message: str
    key: str = ""

    def __str__(self) -> str:
        where = f"{self.location} [{self.key}]" if self.key else self.location
        return f"{where}: {self.message}" if where else self.message


class ImportFailed(Exception):
    """The file as a whole is refused; ``problems`` names every reason with its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ImportSource:
    """What an importer gets: the file, its name, the options of the upload form, and the
    municipality (None for platform-wide data) and person the run is for."""

    data: bytes
    name: str
    options: dict
    municipality: Any
    actor: Any
    run_id: int


@dataclass(frozen=True)
class ImporterSpec:
    key: str
    label: str
    process: Callable[[ImportSource, Reporter], None]
    file_types: tuple[str, ...]
    # Atomic: any problem refuses the whole file (nothing is written). Record-oriented: good
    # records are kept, refused ones are listed.
    atomic: bool
    # Checked as user.has_perm(permission, municipality) before an upload and for reading runs.
    permission: str
    # Platform-wide data (no municipality), e.g. the federal catalogue.
    platform: bool = False
    description: str = ""
    # A Django form class for the upload (it must have a "file" field); its other cleaned
    # values become the run's options.
    form_class: Any = None
    # Bytes accepted, or a function giving them (a setting read at the time of the upload).
    max_bytes: int | Callable[[], int] = 50 * 1024 * 1024

    def byte_limit(self) -> int:
        return self.max_bytes() if callable(self.max_bytes) else self.max_bytes

    def accepts(self, name: str) -> bool:
        return not self.file_types or name.lower().endswith(self.file_types)


class UnknownImporter(KeyError):
    pass


_IMPORTERS: dict[str, ImporterSpec] = {}


def register_importer(
    key: str,
    *,
    label: str,
    file_types: tuple[str, ...],
    atomic: bool,
    permission: str,
    platform: bool = False,
    description: str = "",
    form_class: Any = None,
    max_bytes: int | Callable[[], int] = 50 * 1024 * 1024,
):
    """Register the decorated function as the importer ``key`` (stored in runs: never rename)."""

    def decorator(process):
        if key in _IMPORTERS:
            raise ValueError(f"An importer with the key {key!r} is registered twice.")
        _IMPORTERS[key] = ImporterSpec(
            key=key,
            label=label,
            process=process,
            file_types=tuple(t.lower() for t in file_types),
            atomic=atomic,
            permission=permission,
            platform=platform,
            description=description,
            form_class=form_class,
            max_bytes=max_bytes,
        )
        return process

    return decorator


def get_importer(key: str) -> ImporterSpec:
    try:
        return _IMPORTERS[key]
    except KeyError:
        raise UnknownImporter(key) from None


def importers() -> list[ImporterSpec]:
    return sorted(_IMPORTERS.values(), key=lambda spec: spec.key)


def importers_for(user, municipality) -> list[ImporterSpec]:
    """The importers ``user`` may use (and whose runs they may read) in ``municipality``."""
    return [spec for spec in importers() if user.has_perm(spec.permission, municipality)]


def progress_cache_key(run_id: int) -> str:
    return f"revier:import-progress:{run_id}"


@dataclass
class Reporter:
    """Collects what an importer did; publishes progress while the run's transaction is open.

    Progress goes to the cache (shared by web and worker processes in production) because the
    run's row is only written after the import's transaction, and ``on_progress`` (the terminal)
    is called on every step.
    """

    run_id: int
    on_progress: Callable[[int, int | None], None] | None = None
    total: int | None = None
    processed: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    summary: str = ""
    result_url_name: str = ""
    result_object_id: str = ""
    _published: float = 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        self._publish(force=True)

    def advance(self, processed: int | None = None) -> None:
        """One more record done, or ``processed`` records done in all."""
        self.processed = self.processed + 1 if processed is None else processed
        self._publish()

    def count(self, *, created: int = 0, changed: int = 0, unchanged: int = 0) -> None:
        self.created += created
        self.changed += changed
        self.unchanged += unchanged

    def refuse(self, *, location: str, message: str, key: str = "") -> None:
        """A record that was not taken (record-oriented) or a problem of the file (atomic)."""
        self.refused += 1
        self.add_problem(Problem(location=location, message=message, key=key))

    def add_problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def result(self, *, summary: str = "", url_name: str = "", object_id=None) -> None:
        """What came of the run ("Version 3 of Hundesteuer") and the page that shows it: a URL
        name of the municipality's URLs, with the object's id as its one argument if given."""
        self.summary = summary
        self.result_url_name = url_name
        self.result_object_id = "" if object_id is None else str(object_id)

    def _publish(self, *, force: bool = False) -> None:
        if self.on_progress:
            self.on_progress(self.processed, self.total)
        now = time.monotonic()
        if force or now - self._published >= PROGRESS_INTERVAL_SECONDS:
            self._published = now
            cache.set(progress_cache_key(self.run_id), (self.processed, self.total), 3600)

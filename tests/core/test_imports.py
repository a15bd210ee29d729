"""The import-run block itself (revier.core.imports) with two importers of this test module:
atomic versus record-oriented, rollback, unexpected errors, live progress, the registry."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from revier.core.imports import (
    ImportFailed,
    Problem,
    get_importer,
    importers,
    progress_cache_key,
    register_importer,
)
from revier.core.imports.selectors import import_run_progress
from revier.core.imports.services import import_run_create, import_run_execute
from revier.core.models import ImportProblem, ImportRun

Status = ImportRun.Status
SEEN_PROGRESS: list = []


def _lines(source, report):
    """Each line "ok NAME" creates a group, "bad NAME" is refused, "crash" raises, "broken"
    refuses the whole file."""
    lines = source.data.decode().splitlines()
    report.set_total(len(lines))
    for number, line in enumerate(lines, start=1):
        verb, _space, name = line.partition(" ")
        if verb == "crash":
            raise RuntimeError("disk full")
        if verb == "broken":
            raise ImportFailed(
                [Problem(f"line {number}", "broken"), Problem(f"line {number}", "really")]
            )
        if verb == "ok":
            Group.objects.create(name=name)
            report.count(created=1)
        else:
            report.refuse(location=f"line {number}", message="not ok", key=name)
        report.advance()
        SEEN_PROGRESS.append(cache.get(progress_cache_key(source.run_id)))


for key, atomic in (("tests.atomic", True), ("tests.records", False)):
    if key not in {s.key for s in importers()}:
        register_importer(
            key,
            label=key,
            file_types=(".txt",),
            atomic=atomic,
            permission="tests.never",
            platform=True,
        )(_lines)


def execute(key: str, text: str, **kwargs) -> ImportRun:
    run = import_run_create(importer=key, data=text.encode(), source_name="f.txt")
    return import_run_execute(run_id=run.pk, municipality_id=None, **kwargs)


def messages(run) -> list[tuple[str, str, str]]:
    return list(
        ImportProblem.objects.filter(run=run)
        .order_by("position")
        .values_list("location", "record_key", "message")
    )


@pytest.mark.django_db
def test_record_oriented_keeps_good_records():
    run = execute("tests.records", "ok a\nbad b\nok c")

    assert run.status == Status.PARTLY_SUCCEEDED
    assert sorted(Group.objects.values_list("name", flat=True)) == ["a", "c"]
    assert messages(run) == [("line 2", "b", "not ok")]
    assert (run.created_count, run.refused_count, run.total, run.processed) == (2, 1, 3, 3)


@pytest.mark.django_db
def test_atomic_importer_with_a_refused_record_writes_nothing():
    run = execute("tests.atomic", "ok a\nbad b\nok c")

    assert run.status == Status.FAILED
    assert not Group.objects.exists()
    assert messages(run) == [("line 2", "b", "not ok")]
    assert (run.created_count, run.refused_count) == (0, 1)


@pytest.mark.django_db
def test_refused_file_lists_every_problem_and_writes_nothing():
    run = execute("tests.records", "ok a\nbroken")

    assert run.status == Status.FAILED
    assert not Group.objects.exists()
    assert messages(run) == [("line 2", "", "broken"), ("line 2", "", "really")]
    assert run.problem_count == 2


@pytest.mark.django_db
def test_unexpected_error_fails_the_run_and_rolls_back(caplog):
    run = execute("tests.records", "ok a\ncrash")

    assert run.status == Status.FAILED
    assert run.finished_at is not None
    assert not Group.objects.exists()
    assert messages(run) == [
        ("", "", "Der Import wurde wegen eines internen Fehlers abgebrochen (RuntimeError).")
    ]
    assert "Import run" in caplog.text


@pytest.mark.django_db
def test_unexpected_error_is_raised_again_for_the_command_line():
    with pytest.raises(RuntimeError, match="disk full"):
        execute("tests.records", "crash", reraise=True)
    assert ImportRun.platform.get().status == Status.FAILED


@pytest.mark.django_db
def test_progress_is_published_while_running_and_cleared_after(monkeypatch):
    monkeypatch.setattr("revier.core.imports.PROGRESS_INTERVAL_SECONDS", 0)
    SEEN_PROGRESS.clear()
    calls = []
    run = execute("tests.records", "ok a\nok b", on_progress=lambda n, t: calls.append((n, t)))

    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert SEEN_PROGRESS == [(1, 2), (2, 2)]  # what the web page reads while it runs
    assert cache.get(progress_cache_key(run.pk)) is None
    assert import_run_progress(run=run) == (2, 2)


@pytest.mark.django_db
def test_live_progress_of_a_running_run_comes_from_the_cache():
    run = import_run_create(importer="tests.records", data=b"ok a", source_name="f.txt")
    ImportRun.platform.filter(pk=run.pk).update(status=Status.RUNNING)
    run.refresh_from_db()
    cache.set(progress_cache_key(run.pk), (7, 9))
    try:
        assert import_run_progress(run=run) == (7, 9)
    finally:
        cache.delete(progress_cache_key(run.pk))


@pytest.mark.django_db
def test_platform_manager_never_returns_municipal_runs(zeitz):
    from django_scopes import scope

    from revier.core.imports.services import import_run_create as create

    municipal = ImportRun.objects.create(municipality=zeitz, importer="x", source=b"")
    platform = create(importer="tests.records", data=b"", source_name="f.txt")

    assert list(ImportRun.platform.all()) == [platform]
    with scope(municipality=zeitz):
        assert list(ImportRun.objects.all()) == [municipal]


def test_importer_keys_are_unique():
    assert get_importer("tests.records").atomic is False
    with pytest.raises(ValueError, match="registered twice"):
        register_importer("tests.records", label="x", file_types=(), atomic=True, permission="x")(
            _lines
        )

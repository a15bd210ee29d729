"""The FIM XDatenfelder import as an import run (importer "forms.xdatenfelder", atomic)."""

import pytest
from django_scopes import scope

from revier.core.imports.services import import_run_create, import_run_execute
from revier.core.models import ImportProblem, ImportRun
from revier.forms import services
from revier.forms.models import Field, FormVersion
from tests.forms.conftest import LEIKA, XDF2, XDF3


def fim_run(municipality, data: bytes, *, leika=LEIKA, name="schema.xml") -> ImportRun:
    run = import_run_create(
        importer="forms.xdatenfelder",
        data=data,
        source_name=name,
        municipality=municipality,
        options={"leika": leika, "publish": True},
    )
    return import_run_execute(run_id=run.pk, municipality_id=municipality.pk)


def stored(municipality) -> tuple[int, int]:
    with scope(municipality=municipality):
        return FormVersion.objects.count(), Field.objects.count()


def problems(run) -> list[tuple[str, str]]:
    return list(
        ImportProblem.objects.filter(run=run)
        .order_by("position")
        .values_list("location", "message")
    )


def test_good_file_is_one_published_version(zeitz):
    run = fim_run(zeitz, (XDF3 / "simple.xml").read_bytes())

    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created_count, run.total, run.processed, run.problem_count) == (1, 1, 1, 0)
    with scope(municipality=zeitz):
        version = FormVersion.objects.get()
    assert (run.result_url_name, run.result_object_id) == (
        "forms_backoffice:version_detail",
        str(version.pk),
    )
    assert version.status == FormVersion.Status.PUBLISHED
    assert run.summary == f"Version 1 of {version.title} has been imported."


def test_broken_file_fails_with_every_problem_and_its_element_path(zeitz):
    run = fim_run(zeitz, (XDF3 / "empty-id-node.xml").read_bytes())

    assert run.status == ImportRun.Status.FAILED
    found = problems(run)
    assert found and run.problem_count == len(found)
    assert found[0][0] == (
        "/xdf:xdatenfelder.datenfeldgruppe.0103/xdf:datenfeldgruppe/xdf:identifikation/xdf:id "
        "(line 10)"
    )
    assert stored(zeitz) == (0, 0)


def test_not_well_formed_file_fails_with_its_line(zeitz):
    run = fim_run(zeitz, b"<xdf:a xmlns:xdf='urn:xoev-de:fim:standard:xdatenfelder_3.0.0'>\n<b>")

    assert run.status == ImportRun.Status.FAILED
    [(location, message)] = problems(run)
    assert location.startswith("/") and message
    assert stored(zeitz) == (0, 0)


def test_bad_leika_key_fails_at_its_option(zeitz):
    run = fim_run(zeitz, (XDF2 / "simple.xml").read_bytes(), leika="123")

    assert run.status == ImportRun.Status.FAILED
    assert [loc for loc, _m in problems(run)] == ["leika"]
    assert stored(zeitz) == (0, 0)


def test_failure_while_storing_rolls_the_version_back(zeitz, monkeypatch):
    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services._TreeWriter, "_rules", boom)
    run = fim_run(zeitz, (XDF2 / "simple.xml").read_bytes())

    assert run.status == ImportRun.Status.FAILED
    assert problems(run) == [("", "The import stopped with an internal error (RuntimeError).")]
    assert stored(zeitz) == (0, 0)


@pytest.mark.parametrize("role", ["moderator"])
def test_staff_without_the_permission_cannot_start_it(zeitz, role):
    from django.core.exceptions import PermissionDenied

    from tests.conftest import make_staff

    with pytest.raises(PermissionDenied):
        import_run_create(
            importer="forms.xdatenfelder",
            data=b"<x/>",
            source_name="a.xml",
            municipality=zeitz,
            actor=make_staff(zeitz, role),
        )
    with scope(municipality=zeitz):
        assert not ImportRun.objects.exists()

"""Import runs (revier.core.imports, ADR 0017): the catalogue import as a run, the run pages,
the upload in the back office, isolation of runs between municipalities."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from revier.core.imports import MAX_PROBLEMS, Reporter
from revier.core.imports.services import import_run_create, import_run_execute
from revier.core.models import ImportProblem, ImportRun
from revier.services.models import Service
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff, make_user
from tests.forms.conftest import LEIKA, XDF3

Status = ImportRun.Status


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def catalogue_run(content: bytes, name: str, **options) -> ImportRun:
    run = import_run_create(
        importer="services.catalogue", data=content, source_name=name, options=options
    )
    return import_run_execute(run_id=run.pk, municipality_id=None)


def problems(run) -> list[tuple[str, str, str]]:
    return [
        (p.location, p.record_key, p.message)
        for p in ImportProblem.objects.filter(run=run).order_by("position")
    ]


CSV = (
    "leika;name;themenfeld\n"
    "99000000000021;Hundesteuer Abmeldung;steuern-zoll\n"
    "9900000000002X;Kaputt;\n"
    "99000000000022;;\n"
    "99000000000023;Angelkarte;\n"
)


@pytest.mark.django_db
def test_broken_xzufi_file_fails_with_its_location_and_imports_nothing():
    broken = (
        b"<xzufi:transfer xmlns:xzufi='http://xoev.de/schemata/xzufi/2_2_0'>\n"
        b"<xzufi:leistung><xzufi:referenzLeiKa><code>99000000000011</code>\n"
        b"</xzufi:leistung>\n"
    )
    run = catalogue_run(broken, "catalogue.xml")

    assert run.status == Status.FAILED
    [(location, _key, message)] = problems(run)
    assert location == "line 3, column 3"
    assert message.startswith("The XML file is not well-formed: mismatched tag")
    assert (run.created_count, run.refused_count, run.problem_count) == (0, 0, 1)
    assert run.summary == "The file was refused; nothing was imported."
    assert run.started_at and run.finished_at and run.municipality is None
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_csv_keeps_good_rows_and_lists_refused_ones_with_lines():
    run = catalogue_run(CSV.encode(), "catalogue.csv")

    assert run.status == Status.PARTLY_SUCCEEDED
    assert sorted(Service.objects.values_list("leika", flat=True)) == [
        "99000000000021",
        "99000000000023",
    ]
    assert (run.created_count, run.changed_count, run.unchanged_count) == (2, 0, 0)
    assert (run.refused_count, run.total, run.processed) == (2, 4, 4)
    found = problems(run)
    assert [(loc, key) for loc, key, _m in found] == [
        ("line 3", "9900000000002X"),
        ("line 4", "99000000000022"),
    ]
    assert found[0][2].startswith("'9900000000002X' is not a LeiKa key")
    assert found[1][2] == "The service has no name."
    assert run.summary == "Read 4 entries (csv)."


@pytest.mark.django_db
def test_all_or_nothing_rolls_back_the_good_rows():
    run = catalogue_run(CSV.encode(), "catalogue.csv", all_or_nothing=True)

    assert run.status == Status.FAILED
    assert not Service.objects.exists()
    assert (run.created_count, run.refused_count) == (0, 2)
    assert [loc for loc, _k, _m in problems(run)] == ["line 3", "line 4"]


@pytest.mark.django_db
def test_file_where_every_record_is_refused_fails():
    data = json.dumps([{"leika": "1", "name": "A"}, {"leika": "2", "name": "B"}]).encode()
    run = catalogue_run(data, "c.json")

    assert run.status == Status.FAILED
    assert [loc for loc, _k, _m in problems(run)] == ["services[0]", "services[1]"]


@pytest.mark.django_db
def test_a_second_execution_of_the_same_run_does_nothing():
    run = catalogue_run(CSV.encode(), "catalogue.csv")
    again = import_run_execute(run_id=run.pk, municipality_id=None)

    assert again.status == Status.PARTLY_SUCCEEDED
    assert ImportProblem.objects.filter(run=run).count() == 2


@pytest.mark.django_db
def test_wrong_file_type_and_size_are_refused_before_a_run_exists(settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"takes files of the types \.xml, \.csv, \.json"):
        import_run_create(importer="services.catalogue", data=b"x", source_name="c.pdf")
    with pytest.raises(ValueError, match="platform-wide"):
        import_run_create(
            importer="services.catalogue", data=b"[]", source_name="c.json", municipality=object()
        )
    assert not ImportRun.platform.exists()


def test_reporter_stores_a_capped_number_of_problems():
    report = Reporter(run_id=0)
    for n in range(MAX_PROBLEMS + 5):
        report.refuse(location=f"line {n}", message="bad")

    assert (report.refused, report.problem_count, len(report.problems)) == (
        MAX_PROBLEMS + 5,
        MAX_PROBLEMS + 5,
        MAX_PROBLEMS,
    )


@pytest.mark.django_db
def test_command_shows_a_progress_line_on_a_terminal(tmp_path):
    from django.core.management import call_command

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = tmp_path / "c.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = io.StringIO(), Terminal()
    call_command("import-services", str(path), stdout=out, stderr=err)

    assert "\r[" + "#" * 30 + "] 4/4" in err.getvalue()
    assert "created: 2, changed: 0, unchanged: 0, refused: 2" in out.getvalue()
    assert "refused line 4 [99000000000022]: The service has no name." in out.getvalue()
    run = ImportRun.platform.get()
    assert (run.status, run.source_name, run.started_by) == (
        Status.PARTLY_SUCCEEDED,
        "c.csv",
        None,
    )


# --- pages --------------------------------------------------------------------------------------


def fim_run(municipality, path=XDF3 / "simple.xml", *, status=None) -> ImportRun:
    run = import_run_create(
        importer="forms.xdatenfelder",
        data=path.read_bytes(),
        source_name=path.name,
        municipality=municipality,
        options={"leika": LEIKA, "publish": False},
    )
    if status is None:
        return import_run_execute(run_id=run.pk, municipality_id=municipality.pk)
    with scope(municipality=municipality):
        ImportRun.objects.filter(pk=run.pk).update(status=status, total=10, processed=4)
        return ImportRun.objects.get(pk=run.pk)


@pytest.fixture
def staff_client(client, zeitz):
    client.force_login(make_staff(zeitz, "case_worker", "cw@zeitz.example"))
    return client


def test_run_detail_shows_status_counts_and_the_result(staff_client, zeitz):
    run = fim_run(zeitz)
    response = staff_client.get(mu_url(zeitz, "imports_backoffice:detail", pk=run.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert run.status == Status.SUCCEEDED
    assert 'http-equiv="refresh"' not in html and "hx-get" not in html
    assert "<progress" not in html  # finished: the counts say the rest
    assert "1 of 1 records processed." in html
    with scope(municipality=zeitz):
        version_url = mu_url(zeitz, "forms_backoffice:version_detail", pk=run.result_object_id)
    assert f'href="{version_url}"' in html
    assert "the command line" in html  # no person started it
    assert "No problems." in html


def test_running_run_refreshes_without_and_polls_with_javascript(staff_client, zeitz):
    run = fim_run(zeitz, status=Status.RUNNING)
    detail = staff_client.get(mu_url(zeitz, "imports_backoffice:detail", pk=run.pk))
    progress_url = mu_url(zeitz, "imports_backoffice:progress", pk=run.pk)

    html = detail.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert f'hx-get="{progress_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert '<progress id="import-run-bar" max="10" value="4"' in html
    assert "4 of 10 records processed (40 %)" in html

    fragment = staff_client.get(progress_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<div id="import-run-progress"')
    assert "<html" not in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_progress_fragment_of_a_finished_run_reloads_the_page(staff_client, zeitz):
    run = fim_run(zeitz)
    fragment = staff_client.get(
        mu_url(zeitz, "imports_backoffice:progress", pk=run.pk), HTTP_HX_REQUEST="true"
    )

    assert fragment["HX-Refresh"] == "true"
    assert "hx-get" not in fragment.content.decode()


def test_staff_of_another_municipality_cannot_see_a_run(client, zeitz, naumburg):
    run = fim_run(zeitz)
    client.force_login(make_staff(naumburg, "administrator"))

    for name in ("imports_backoffice:detail", "imports_backoffice:progress"):
        assert client.get(mu_url(naumburg, name, pk=run.pk)).status_code == 404
    listing = client.get(mu_url(naumburg, "imports_backoffice:list"))
    assert listing.status_code == 200
    assert "simple.xml" not in listing.content.decode()


def test_platform_run_is_only_for_operators(client, zeitz):
    run = catalogue_run(CSV.encode(), "catalogue.csv")
    client.force_login(make_staff(zeitz, "administrator"))
    assert client.get(mu_url(zeitz, "imports_backoffice:detail", pk=run.pk)).status_code == 404
    upload_url = mu_url(zeitz, "imports_backoffice:upload", key="services.catalogue")
    assert client.get(upload_url).status_code == 403

    operator = make_user("operator@example.org", totp=True)
    operator.is_superuser = True
    operator.save()
    with scope(municipality=zeitz):
        from revier.accounts.services import staff_role_grant

        staff_role_grant(municipality=zeitz, user=operator, role="administrator", actor=None)
    client.force_login(operator)
    page = client.get(mu_url(zeitz, "imports_backoffice:detail", pk=run.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<code>line 3</code>" in html and "9900000000002X" in html
    assert "partly succeeded" in html


def test_upload_in_the_back_office_creates_and_finishes_a_run(staff_client, zeitz):
    url = mu_url(zeitz, "imports_backoffice:upload", key="forms.xdatenfelder")
    upload = SimpleUploadedFile("simple.xml", (XDF3 / "simple.xml").read_bytes())
    response = staff_client.post(url, {"file": upload, "leika": LEIKA})

    with scope(municipality=zeitz):
        run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == mu_url(zeitz, "imports_backoffice:detail", pk=run.pk)
    assert (run.status, run.created_count, run.started_by_email) == (
        Status.SUCCEEDED,
        1,
        "cw@zeitz.example",
    )
    assert run.options == {"leika": LEIKA, "publish": False}
    assert bytes(run.source) == (XDF3 / "simple.xml").read_bytes()
    listing = staff_client.get(mu_url(zeitz, "imports_backoffice:list")).content.decode()
    assert "simple.xml" in listing and "FIM XDatenfelder" in listing


def test_refused_upload_is_a_failed_run_with_every_problem(staff_client, zeitz):
    url = mu_url(zeitz, "imports_backoffice:upload", key="forms.xdatenfelder")
    upload = SimpleUploadedFile("bad.xml", (XDF3 / "unexpected-node.xml").read_bytes())
    response = staff_client.post(url, {"file": upload, "leika": LEIKA})

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    with scope(municipality=zeitz):
        run = ImportRun.objects.get()
        from revier.forms.models import FormVersion

        assert not FormVersion.objects.exists()
    assert run.status == Status.FAILED
    assert "/xdf:identifikation/xdf:unknown" in html
    assert "Unexpected element &lt;xdf:unknown&gt; in &lt;xdf:identifikation&gt;." in html
    assert "The file was refused; nothing was imported." in html


def test_upload_of_the_wrong_file_type_stays_on_the_form(staff_client, zeitz):
    url = mu_url(zeitz, "imports_backoffice:upload", key="forms.xdatenfelder")
    upload = SimpleUploadedFile("simple.json", b"{}")
    response = staff_client.post(url, {"file": upload, "leika": LEIKA})

    assert response.status_code == 400
    assert "This import takes files of the types .xml." in response.content.decode()
    with scopes_disabled():
        assert not ImportRun.objects.exists()

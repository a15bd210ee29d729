"""Back office: list, import, review with report, preview, publish/retire, the builder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from revier.forms.models import Field, FormVersion
from revier.forms.schema import json_schema, validate_answers
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff
from tests.forms.conftest import LEIKA, OTHER_LEIKA, XDF2, XDF3, dog_tax_schema, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, zeitz):
    client.force_login(make_staff(zeitz, "case_worker", "cw@zeitz.example"))
    return client


def _upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/xml")


def test_list_shows_forms_of_this_municipality_only(staff_client, zeitz, naumburg):
    import_file(zeitz, XDF2 / "simple.xml", publish=True)
    import_file(naumburg, XDF2 / "select.xml", leika=OTHER_LEIKA)

    response = staff_client.get(mu_url(zeitz, "forms_backoffice:list"))

    assert response.status_code == 200
    forms = list(response.context["forms"])
    assert [f.leika for f in forms] == [LEIKA]
    assert OTHER_LEIKA not in response.content.decode()


def test_moderator_may_not_manage_forms(client, zeitz):
    client.force_login(make_staff(zeitz, "moderator", "mod@zeitz.example"))

    assert client.get(mu_url(zeitz, "forms_backoffice:list")).status_code == 403


def test_import_upload_creates_a_version_and_shows_the_report(staff_client, zeitz):
    response = staff_client.post(
        mu_url(zeitz, "forms_backoffice:import"),
        {"file": _upload(XDF3 / "simple.xml"), "leika": LEIKA},
    )

    with scope(municipality=zeitz):
        version = FormVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == mu_url(zeitz, "forms_backoffice:version_detail", pk=version.pk)
    detail = staff_client.get(response["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Import report" in html
    assert "is not checked by the server (script not understood)" in html
    assert "/xdf:xdatenfelder.datenfeldgruppe.0103/xdf:datenfeldgruppe/xdf:regel" in html


def test_refused_upload_lists_every_problem_and_stores_nothing(staff_client, zeitz):
    response = staff_client.post(
        mu_url(zeitz, "forms_backoffice:import"),
        {"file": _upload(XDF3 / "unexpected-node.xml"), "leika": LEIKA},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was refused; nothing was imported." in html
    assert "/xdf:identifikation/xdf:unknown" in html
    assert "Unexpected element &lt;xdf:unknown&gt; in &lt;xdf:identifikation&gt;." in html
    with scope(municipality=zeitz):
        assert not FormVersion.objects.exists()


def test_upload_over_the_limit_is_refused(staff_client, zeitz, settings):
    settings.REVIER_XDF_MAX_BYTES = 2000

    response = staff_client.post(
        mu_url(zeitz, "forms_backoffice:import"),
        {"file": _upload(XDF2 / "simple.xml"), "leika": LEIKA},
    )

    assert response.status_code == 400
    assert "at most 2000 bytes are accepted" in response.content.decode()


def test_preview_renders_steps_read_only(staff_client, zeitz):
    version = import_file(zeitz, dog_tax_schema())

    response = staff_client.get(mu_url(zeitz, "forms_backoffice:version_preview", pk=version.pk))

    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert response.status_code == 200
    assert "Step 2: Angaben zur Person</h2>" in main
    assert "Angaben zur Person" in html and "Hund" in html
    assert "Mischling, Dackel" in html
    assert "whole number; min_value 0; max_value 30" in main
    assert "Bitte vollständig." in html
    assert "<input" not in main and "<select" not in main and "<textarea" not in main


def test_publish_and_retire(staff_client, zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml")

    staff_client.post(mu_url(zeitz, "forms_backoffice:version_publish", pk=version.pk))
    with scope(municipality=zeitz):
        version.refresh_from_db()
        assert version.status == "published"
    staff_client.post(mu_url(zeitz, "forms_backoffice:version_retire", pk=version.pk))
    with scope(municipality=zeitz):
        version.refresh_from_db()
        assert version.status == "retired"
    assert (
        staff_client.get(
            mu_url(zeitz, "forms_backoffice:version_publish", pk=version.pk)
        ).status_code
        == 405
    )


def test_version_of_another_municipality_is_not_found(staff_client, zeitz, naumburg):
    theirs = import_file(naumburg, XDF2 / "simple.xml")

    url = mu_url(zeitz, "forms_backoffice:version_detail", pk=theirs.pk)
    assert staff_client.get(url).status_code == 404
    publish = mu_url(zeitz, "forms_backoffice:version_publish", pk=theirs.pk)
    assert staff_client.post(publish).status_code == 404
    with scope(municipality=naumburg):
        theirs.refresh_from_db()
        assert theirs.status == "draft"


def test_builder_makes_a_simple_form(staff_client, zeitz):
    created = staff_client.post(
        mu_url(zeitz, "forms_backoffice:create"), {"title": "Sperrmüll", "leika": "99108011000000"}
    )
    with scope(municipality=zeitz):
        version = FormVersion.objects.get()
    assert created.status_code == 302
    assert (version.source, version.status) == ("builder", "draft")

    staff_client.post(
        mu_url(zeitz, "forms_backoffice:step_add", pk=version.pk), {"title": "Abholung"}
    )
    with scope(municipality=zeitz):
        step = version.steps.get()
    staff_client.post(
        mu_url(zeitz, "forms_backoffice:field_add", pk=version.pk),
        {"step": step.pk, "label": "Straße", "datatype": "text", "required": "on"},
    )
    staff_client.post(
        mu_url(zeitz, "forms_backoffice:field_add", pk=version.pk),
        {"step": step.pk, "label": "Art", "datatype": "text", "choices": "Möbel\nHolz\n"},
    )
    bad = staff_client.post(
        mu_url(zeitz, "forms_backoffice:field_add", pk=version.pk),
        {"step": step.pk, "label": "", "datatype": "text", "choices": "Möbel"},
    )
    assert bad.status_code == 400

    with scope(municipality=zeitz):
        fields = list(version.fields.order_by("position"))
        assert [(f.key, f.label, f.kind, f.required) for f in fields] == [
            ("feld_1", "Straße", "input", True),
            ("feld_2", "Art", "select", False),
        ]
        schema = json_schema(version)
        assert schema["required"] == ["feld_1"]
        assert schema["properties"]["feld_2"]["enum"] == ["Möbel", "Holz"]
        assert validate_answers(version, {"feld_1": "Hauptstr. 1", "feld_2": "Holz"}) == {}
        assert validate_answers(version, {"feld_2": "Glas"}) == {
            "feld_1": ["Enter “Straße”"],
            "feld_2": ["Select one of the offered answers for “Art”"],
        }


def test_imported_versions_are_not_changed_by_the_builder(staff_client, zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml", publish=True)
    with scope(municipality=zeitz):
        step = version.steps.get()

    response = staff_client.post(
        mu_url(zeitz, "forms_backoffice:field_add", pk=version.pk),
        {"step": step.pk, "label": "Extra", "datatype": "text"},
    )

    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "Only a draft can be changed; published versions stay as they are." in page
    with scope(municipality=zeitz):
        assert Field.objects.filter(version=version).count() == 1


def test_draft_fields_can_be_relabelled_and_made_optional(staff_client, zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml")
    with scope(municipality=zeitz):
        field = version.fields.get()
    url = mu_url(zeitz, "forms_backoffice:field_edit", pk=version.pk, field_pk=field.pk)

    assert staff_client.get(url).status_code == 200
    empty = staff_client.post(url, {"label": " ", "help_text": "x"})
    saved = staff_client.post(url, {"label": "Nachname", "help_text": "Wie im Ausweis."})

    assert empty.status_code == 400
    assert saved.status_code == 302
    with scope(municipality=zeitz):
        field.refresh_from_db()
        assert (field.label, field.help_text, field.required) == (
            "Nachname",
            "Wie im Ausweis.",
            False,
        )
        assert (field.key, field.max_length) == ("F60000227", 120)
        assert json_schema(version)["properties"]["G00000082"].get("required") is None


def test_published_fields_cannot_be_edited(staff_client, zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml", publish=True)
    with scope(municipality=zeitz):
        field = version.fields.get()
    url = mu_url(zeitz, "forms_backoffice:field_edit", pk=version.pk, field_pk=field.pk)

    response = staff_client.post(url, {"label": "Anders"})

    assert response.status_code == 302
    with scope(municipality=zeitz):
        field.refresh_from_db()
        assert field.label == "Familienname"

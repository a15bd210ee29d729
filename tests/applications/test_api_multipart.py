"""The API's multipart path: answers as a JSON part, each file as a part named by its path."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from revier.applications.models import Application, ReferenceCounter, Upload
from revier.applications.uploads import max_bytes
from revier.delivery.models import Delivery
from tests.applications.conftest import FILE_KEY
from tests.applications.test_api_and_retention import DATA, PDF, _api

pytestmark = pytest.mark.django_db

URL = "/api/v1/zeitz/applications/"
ANSWERS = {k: v for k, v in DATA.items() if k != FILE_KEY}


def _body(version, *, content=PDF, name="haftpflicht.pdf", data=None):
    return {
        "form": str(version.pk),
        "data": json.dumps(ANSWERS if data is None else data),
        FILE_KEY: SimpleUploadedFile(name, content, content_type="application/pdf"),
    }


def test_multipart_submit_with_file_part(
    zeitz, dog_form, resident, django_capture_on_commit_callbacks
):
    api = _api(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, _body(dog_form["version"]), format="multipart")
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert response.json()["status"] == "submitted"
    with scope(municipality=zeitz):
        application = Application.objects.get()
        upload = Upload.objects.get()
        assert Delivery.objects.get().reference == reference
    assert application.reference == reference
    assert application.data[FILE_KEY] == "haftpflicht.pdf"
    assert application.data["G60000086"]["F60000227"] == "Schmidt"
    assert (upload.path, upload.filename, upload.content_type) == (
        FILE_KEY,
        "haftpflicht.pdf",
        "application/pdf",
    )
    assert bytes(upload.content) == PDF


def test_multipart_replay_with_idempotency_key(zeitz, dog_form, resident):
    api = _api(resident)
    version = dog_form["version"]
    first = api.post(URL, _body(version), format="multipart", HTTP_IDEMPOTENCY_KEY="mp-1")
    again = api.post(URL, _body(version), format="multipart", HTTP_IDEMPOTENCY_KEY="mp-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    # The same key with another file is a different request.
    other = api.post(
        URL,
        _body(version, content=PDF + b"changed"),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="mp-1",
    )
    assert other.status_code == 422
    with scope(municipality=zeitz):
        assert Application.objects.count() == 1


def _problem(response) -> dict:
    """The field errors of a 400 problem+json answer, after checking its frame."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {k: v for k, v in body.items() if k != "errors"} == {
        "type": "https://revier.example/problems/invalid-input",
        "title": "Invalid input",
        "status": 400,
        "detail": "One or more fields are invalid.",
    }
    return body["errors"]


def test_multipart_refusals_name_the_part(zeitz, dog_form, resident):
    api = _api(resident)
    version = dog_form["version"]
    wrong_type = api.post(
        URL, _body(version, content=b"just text, no PDF", name="x.pdf"), format="multipart"
    )
    assert _problem(wrong_type) == {FILE_KEY: ["The file must be a PDF, JPEG or PNG"]}

    bad_json = api.post(URL, {"form": str(version.pk), "data": "{not json"}, format="multipart")
    assert _problem(bad_json) == {"data": ["Invalid JSON."]}

    missing_file = api.post(
        URL, {"form": str(version.pk), "data": json.dumps(ANSWERS)}, format="multipart"
    )
    assert _problem(missing_file) == {FILE_KEY: ["Upload “Nachweis Haftpflicht”"]}
    with scope(municipality=zeitz):
        assert not Application.objects.exists()
        assert not Upload.objects.exists()


def test_multipart_file_over_the_size_limit_is_refused_at_its_part(zeitz, dog_form, resident):
    limit = max_bytes({})  # the field sets no limit of its own: the platform's applies
    assert limit == 10 * 1024 * 1024
    too_large = PDF + b"y" * (limit + 1 - len(PDF))  # a real PDF start, one byte too many
    api = _api(resident)
    response = api.post(URL, _body(dog_form["version"], content=too_large), format="multipart")
    assert _problem(response) == {FILE_KEY: ["The file must be 10.0\xa0MB or smaller"]}

    german = api.post(
        URL,
        _body(dog_form["version"], content=too_large),
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert german.status_code == 400
    assert german.json()["errors"] == {FILE_KEY: ["Die Datei darf höchstens 10,0\xa0MB groß sein"]}
    with scopes_disabled():
        assert not Application.objects.exists()
        assert not Upload.objects.exists()
        assert not Delivery.objects.exists()
        # Refused before a reference number was drawn.
        assert not ReferenceCounter.objects.exists()

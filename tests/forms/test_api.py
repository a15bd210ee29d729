"""GET /api/v1/<slug>/forms/<id>/: the form with its fields and JSON Schema."""

import pytest
from django_scopes import scope
from jsonschema import Draft202012Validator

from revier.forms.services import form_version_publish
from tests.api.conftest import token_header
from tests.conftest import make_staff
from tests.forms.conftest import OTHER_LEIKA, XDF2, dog_tax_schema, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def test_published_version_is_public(client, zeitz):
    version = import_file(zeitz, dog_tax_schema(), publish=True)

    response = client.get(f"/api/v1/zeitz/forms/{version.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["number"], body["status"], body["xdf_version"]) == (
        version.pk,
        1,
        "published",
        "3.0",
    )
    assert body["form"]["leika"] == "99089001001000"
    assert body["schema_id"] == "S60000011"
    assert [s["key"] for s in body["steps"]] == ["", "G60000086", "G60000100"]
    person = body["steps"][1]
    assert [(c["fim_id"], c["fim_version"], c["datatype"]) for c in person["children"]] == [
        ("F60000227", "1.0.0", "text"),
        ("F60000228", "1.0.0", "text"),
        ("F60000229", "1.0.0", "date"),
        ("F60000230", "1.0.0", "text"),
    ]
    assert person["children"][0]["constraints"] == {"min_length": 1, "max_length": 120}
    Draft202012Validator.check_schema(body["json_schema"])
    assert body["json_schema"]["properties"]["G60000100"]["type"] == "array"


def test_draft_is_hidden_from_the_public_and_shown_to_staff(client, zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml")
    url = f"/api/v1/zeitz/forms/{version.pk}/"

    _problem(client.get(url), 404)
    moderator = make_staff(zeitz, "moderator", "mod@zeitz.example")
    _problem(client.get(url, **token_header(moderator)), 404)
    case_worker = make_staff(zeitz, "case_worker", "cw@zeitz.example")
    response = client.get(url, **token_header(case_worker))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_retired_version_is_no_longer_public(client, zeitz):
    old = import_file(zeitz, XDF2 / "simple.xml", publish=True)
    new = import_file(zeitz, XDF2 / "simple.xml")
    with scope(municipality=zeitz):
        form_version_publish(version=new, actor=None)

    _problem(client.get(f"/api/v1/zeitz/forms/{old.pk}/"), 404)
    assert client.get(f"/api/v1/zeitz/forms/{new.pk}/").status_code == 200


def test_form_of_another_municipality_is_not_found(client, zeitz, naumburg):
    theirs = import_file(naumburg, XDF2 / "simple.xml", leika=OTHER_LEIKA, publish=True)

    body = _problem(client.get(f"/api/v1/zeitz/forms/{theirs.pk}/"), 404)
    assert body["detail"] == "There is no form with this id."
    assert client.get(f"/api/v1/naumburg/forms/{theirs.pk}/").status_code == 200
    _problem(client.get(f"/api/v1/nowhere/forms/{theirs.pk}/"), 404)

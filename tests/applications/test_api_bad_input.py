"""Bad input to POST /api/v1/<slug>/applications/: a clear 400 problem document naming the
field, nothing stored, no reference number drawn (issue 13, items 4, 6, 8)."""

import json

import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from revier.applications.models import Application, ReferenceCounter
from tests.applications.test_api_and_retention import DATA

URL = "/api/v1/zeitz/applications/"


@pytest.fixture
def api(resident):
    client = APIClient()
    client.force_authenticate(resident)
    return client


def _nothing_stored():
    with scopes_disabled():
        assert not Application.objects.exists()
        assert not ReferenceCounter.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_a_400(zeitz, dog_form, api, body):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400
    _nothing_stored()


def test_malformed_json_is_a_400(zeitz, dog_form, api):
    response = api.post(URL, '{"form": ', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("form", [True, 0, -1, "abc", None, 10**30, [1]])
def test_odd_form_ids_are_a_field_error(zeitz, dog_form, api, form):
    response = api.post(URL, {"form": form, "data": DATA}, format="json")
    assert response.status_code == 400, response.content
    assert "form" in response.json()["errors"]
    _nothing_stored()


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("Schmi\ud800dt", "surrogate"),
        ("Schmi\x00dt", "NUL"),
        ("Schmi\u202edt", "bidi override"),
        ("Schmi\u2066dt", "bidi isolate"),
        ("Schmi\u200bdt", "zero width space"),
        ("Schmi\x07dt", "control"),
    ],
)
def test_invisible_and_broken_characters_are_a_field_error(zeitz, dog_form, api, value, what):
    data = {**DATA, "G60000086": {**DATA["G60000086"], "F60000227": value}}
    # As a client sends it: JSON with \u escapes (a lone surrogate cannot be UTF-8).
    body = json.dumps({"form": dog_form["version"].pk, "data": data})
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400, (what, response.content)
    assert response["Content-Type"] == "application/problem+json"
    assert "G60000086/F60000227" in response.json()["errors"], what
    _nothing_stored()


def test_a_surrogate_in_a_key_is_a_400_not_a_500(zeitz, dog_form, api):
    data = {**DATA, "G6000\ud800": "x"}
    body = json.dumps({"form": dog_form["version"].pk, "data": data})
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    response.json()  # the answer itself is valid UTF-8 JSON
    _nothing_stored()


def test_text_is_normalised_to_nfc_before_its_length_is_counted(zeitz, dog_form, api):
    from django_scopes import scope

    decomposed = "Mu\u0308ller"  # "Müller" with a combining diaeresis: 7 code points, 6 letters
    data = {**DATA, "G60000086": {**DATA["G60000086"], "F60000227": decomposed}}
    response = api.post(URL, {"form": dog_form["version"].pk, "data": data}, format="json")
    assert response.status_code == 201, response.content
    with scope(municipality=zeitz):
        stored = Application.objects.get().data["G60000086"]["F60000227"]
    assert stored == "M\u00fcller"


def test_free_text_without_a_fim_limit_has_a_default_limit(zeitz, dog_form, api):
    from revier.core.text import DEFAULT_TEXT_MAX_LENGTH

    data = {
        **DATA,
        "G60000086": {**DATA["G60000086"], "F60000227": "x" * (DEFAULT_TEXT_MAX_LENGTH + 1)},
    }
    response = api.post(URL, {"form": dog_form["version"].pk, "data": data}, format="json")
    assert response.status_code == 400
    assert "G60000086/F60000227" in response.json()["errors"]
    _nothing_stored()


def test_a_too_long_idempotency_key_is_refused_not_cut(zeitz, dog_form, api):
    body = {"form": dog_form["version"].pk, "data": DATA}
    response = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["errors"]
    _nothing_stored()
    # Two keys that differ only after 200 characters are two keys.
    first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 200)
    assert first.status_code == 201


def test_an_idempotency_key_with_control_characters_is_refused(zeitz, dog_form, api):
    body = {"form": dog_form["version"].pk, "data": DATA}
    response = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="a\tb")
    assert response.status_code == 400
    _nothing_stored()


def test_a_body_over_the_limit_is_413_problem_json(zeitz, dog_form, api, settings):
    settings.REVIER_MAX_JSON_BODY = 100_000
    big = '{"form": 1, "data": {"x": "' + "y" * 200_000 + '"}}'
    response = api.post(URL, big, content_type="application/json")
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    _nothing_stored()

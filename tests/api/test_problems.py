"""Every API error is an RFC 7807 problem document (application/problem+json)."""

import pytest
from rest_framework.throttling import AnonRateThrottle

from tests.api.conftest import token_header


@pytest.mark.django_db
def test_400_lists_the_invalid_fields(client, zeitz_admin, problem):
    response = client.get("/api/v1/zeitz/staff/?role=mayor", **token_header(zeitz_admin))

    body = problem(response, 400)
    assert body["type"] == "https://revier.example/problems/invalid-input"
    assert body["title"] == "Invalid input"
    assert list(body["errors"]) == ["role"]
    assert "mayor" in body["errors"]["role"][0]


@pytest.mark.django_db
def test_401_for_a_wrong_token_with_challenge(client, zeitz, problem):
    response = client.get("/api/v1/zeitz/staff/", HTTP_AUTHORIZATION="Token not-a-real-token")

    body = problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert body["type"] == "https://revier.example/problems/authentication-failed"
    assert body["detail"] == "Invalid token."


@pytest.mark.django_db
def test_401_without_credentials(client, zeitz, problem):
    response = client.get("/api/v1/zeitz/staff/")

    body = problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert body["type"] == "https://revier.example/problems/not-authenticated"


@pytest.mark.django_db
def test_403_for_staff_of_another_municipality(client, zeitz, naumburg_admin, problem):
    response = client.get("/api/v1/zeitz/staff/", **token_header(naumburg_admin))

    body = problem(response, 403)
    assert body["type"] == "https://revier.example/problems/permission-denied"
    assert body["title"] == "Forbidden"


@pytest.mark.django_db
def test_404_for_unknown_municipality(client, problem):
    body = problem(client.get("/api/v1/atlantis/news/"), 404)

    assert body["detail"] == "There is no municipality with this address."


@pytest.mark.django_db
def test_404_for_disabled_module(client, zeitz, problem):
    zeitz.enabled_modules = []
    zeitz.save()

    body = problem(client.get("/api/v1/zeitz/news/"), 404)

    assert body["type"] == "https://revier.example/problems/module-disabled"
    assert body["title"] == "Module not available"


@pytest.mark.django_db
def test_404_for_unknown_object(client, zeitz, problem):
    body = problem(client.get("/api/v1/zeitz/news/no-such-item/"), 404)

    assert body["type"] == "https://revier.example/problems/not-found"


@pytest.mark.django_db
def test_404_for_unknown_api_address(client, problem):
    body = problem(client.get("/api/v1/no/such/endpoint/"), 404)

    assert body["detail"] == "There is no API endpoint at this address."


@pytest.mark.django_db
def test_405_names_the_allowed_methods(client, zeitz, problem):
    response = client.post("/api/v1/municipalities/", {}, content_type="application/json")

    body = problem(response, 405)
    assert body["type"] == "https://revier.example/problems/method-not-allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.django_db
def test_429_with_retry_after(client, zeitz, problem, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)

    assert client.get("/api/v1/municipalities/").status_code == 200
    assert client.get("/api/v1/municipalities/").status_code == 200
    response = client.get("/api/v1/municipalities/")

    body = problem(response, 429)
    assert body["type"] == "https://revier.example/problems/throttled"
    assert body["title"] == "Too many requests"
    assert 0 < int(response["Retry-After"]) <= 60

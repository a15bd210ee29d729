"""The API answers as its OpenAPI file says (issue 13, item 7)."""

import pytest
import yaml
from django.test import Client

from tests.conftest import make_user


@pytest.fixture
def news_on(zeitz):
    zeitz.enabled_modules = ["news", "services"]
    zeitz.save()
    return zeitz


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999999999999"])
def test_a_page_that_is_no_page_number_is_a_documented_400(client, news_on, page):
    response = client.get(f"/api/v1/zeitz/news/?page={page}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "page" in response.json()["errors"]


def test_a_page_past_the_end_is_a_documented_404(client, news_on):
    response = client.get("/api/v1/zeitz/news/?page=7")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_post_to_an_unknown_api_path_is_problem_json_not_the_csrf_page(db):
    user = make_user("csrf@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/gibt/es/nicht/", {"a": 1})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_csrf_refusal_below_the_api_is_problem_json(db):
    from django.test import RequestFactory

    from revier.core.views import csrf_failure

    response = csrf_failure(RequestFactory().post("/api/v1/zeitz/applications/"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_every_operation_with_a_body_documents_400_and_413(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if "requestBody" in operation:
                assert {"400", "413"} <= set(responses), (method, path)
            if any(p["name"] == "page" for p in operation.get("parameters", [])):
                assert {"400", "404"} <= set(responses), (method, path)
            for code, response in responses.items():
                if code.startswith("4"):
                    assert "application/problem+json" in response["content"], (method, path, code)

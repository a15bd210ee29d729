"""The OpenAPI document is generated, committed, served; its docs page is self-contained."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]


def test_committed_openapi_yaml_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"

    # The same call as `make openapi`; --fail-on-warn turns any schema warning into an error.
    call_command(
        "spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(generated)
    )

    committed = (REPO / "docs" / "openapi.yaml").read_text()
    assert committed == generated.read_text(), "docs/openapi.yaml is stale: run `make openapi`"


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/altcha/challenge/",
        "/api/v1/municipalities/",
        "/api/v1/municipalities/{slug}/",
        "/api/v1/{municipality}/news/",
        "/api/v1/{municipality}/news/{slug}/",
        "/api/v1/{municipality}/staff/",
        "/api/v1/services/",
        "/api/v1/{municipality}/services/",
        "/api/v1/{municipality}/forms/{id}/",
        "/api/v1/{municipality}/applications/",
        "/api/v1/{municipality}/applications/{reference}/",
        "/api/v1/{municipality}/cases/",
        "/api/v1/{municipality}/cases/{id}/",
        "/api/v1/{municipality}/cases/{id}/status/",
        "/api/v1/{municipality}/cases/{id}/messages/",
        "/api/v1/{municipality}/cases/bulk-status/",
        "/api/v1/me/applications/",
        "/api/v1/me/messages/",
        "/api/v1/{municipality}/bookables/",
        "/api/v1/{municipality}/bookables/{id}/availability/",
        "/api/v1/{municipality}/bookings/",
        "/api/v1/{municipality}/bookings/{id}/",
        "/api/v1/me/bookings/",
    }
    responses = schema["paths"]["/api/v1/{municipality}/staff/"]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404", "429"}
    assert list(responses["403"]["content"]) == ["application/problem+json"]


@pytest.mark.django_db
def test_docs_page_loads_nothing_from_elsewhere_and_no_inline_code(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<style" not in html
    assert " style=" not in html
    # Every <script> has a src on this origin and no body; every URL is relative to this host.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 3
    for attributes, body in scripts:
        assert body.strip() == ""
        assert re.search(r'src="/(static|api)/', attributes)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls)
    # The init script comes from the view itself and points at the local schema.
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/v1/schema/"' in script.content.decode()


def test_docs_static_files_exist():
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name

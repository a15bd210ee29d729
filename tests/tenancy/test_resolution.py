"""Requests resolve their municipality from the path prefix or a custom domain."""

import pytest
from django.urls import reverse

from revier.tenancy.services import domain_add, municipality_set_modules, municipality_update


@pytest.fixture
def zeitz_domain(zeitz):
    domain_add(municipality=zeitz, domain="service.zeitz.example", is_primary=True)
    return zeitz


def test_path_prefix_resolves_municipality(client, zeitz):
    response = client.get("/zeitz/")
    assert response.status_code == 200
    assert response.wsgi_request.municipality == zeitz
    # Links inside a municipality carry its prefix.
    assert 'href="/zeitz/impressum/"' in response.content.decode()


def test_prefix_without_slash_redirects(client, zeitz):
    response = client.get("/zeitz")
    assert response.status_code == 301
    assert response["Location"] == "/zeitz/"


def test_custom_domain_resolves_municipality_at_root(client, zeitz_domain):
    response = client.get("/", HTTP_HOST="service.zeitz.example")
    assert response.status_code == 200
    assert response.wsgi_request.municipality == zeitz_domain
    body = response.content.decode()
    assert 'href="/impressum/"' in body
    assert "/zeitz/" not in body


def test_unknown_host_gets_clear_404(client, zeitz):
    response = client.get("/", HTTP_HOST="unknown.example")
    assert response.status_code == 404
    assert "unknown.example" in response.content.decode()


def test_unknown_municipality_gets_clear_404(client, zeitz):
    response = client.get("/atlantis/")
    assert response.status_code == 404
    assert "atlantis" in response.content.decode()


def test_inactive_municipality_is_not_served(client, zeitz):
    municipality_update(municipality=zeitz, is_active=False)
    assert client.get("/zeitz/").status_code == 404


def test_disabled_module_gets_clear_404_and_no_nav_link(client, zeitz):
    assert client.get("/zeitz/aktuelles/").status_code == 200
    municipality_set_modules(municipality=zeitz, modules=[])
    response = client.get("/zeitz/aktuelles/")
    assert response.status_code == 404
    assert "Zeitz" in response.content.decode()
    home = client.get("/zeitz/").content.decode()
    assert 'href="/zeitz/aktuelles/"' not in home


def test_platform_pages_have_no_municipality(client, zeitz):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.wsgi_request.municipality is None
    assert "/zeitz/" in response.content.decode()


def test_brand_css_carries_colour(client, zeitz):
    response = client.get("/zeitz/brand.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert zeitz.primary_colour in response.content.decode()

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
    response = client.get(reverse("portal:home"), {"kreis": "15084"})
    assert response.status_code == 200
    assert response.wsgi_request.municipality is None
    assert "/zeitz/" in response.content.decode()


def test_brand_css_carries_colour(client, zeitz):
    response = client.get("/zeitz/brand.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert zeitz.primary_colour in response.content.decode()


def test_municipality_is_cached_and_writes_are_seen_at_once(
    client, zeitz, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/zeitz/impressum/")
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/zeitz/impressum/").status_code == 200
    assert not any("tenancy_municipality" in q["sql"] for q in warm.captured_queries)

    municipality_update(municipality=zeitz, phone="03441 83-0")
    assert "03441 83-0" in client.get("/zeitz/impressum/").content.decode()
    municipality_update(municipality=zeitz, is_active=False)
    assert client.get("/zeitz/impressum/").status_code == 404


def test_another_process_sees_writes_through_the_municipalitys_version(zeitz, monkeypatch):
    """A write publishes the municipality's new version; another process holding an old copy
    trusts it for at most TTL seconds, then checks the version (one cache GET) and reloads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from revier.tenancy import cache as tenancy_cache
    from revier.tenancy.models import Municipality
    from revier.tenancy.selectors import municipality_by_slug

    clock = [1000.0]
    monkeypatch.setattr(tenancy_cache.time, "monotonic", lambda: clock[0])
    assert municipality_by_slug("zeitz").phone == ""
    # Within the TTL: no query and no cache round trip.
    monkeypatch.setattr(tenancy_cache.cache, "get", _forbidden)
    with CaptureQueriesContext(connection) as ctx:
        assert municipality_by_slug("zeitz").phone == ""
    assert ctx.captured_queries == []
    monkeypatch.undo()
    monkeypatch.setattr(tenancy_cache.time, "monotonic", lambda: clock[0])

    # Another process writes: the database changes and it publishes the new version.
    Municipality.objects.filter(pk=zeitz.pk).update(phone="03441 1")
    other = Municipality.objects.get(pk=zeitz.pk)
    tenancy_cache.cache.set(tenancy_cache._version_key(zeitz.pk), "2099-01-01T00:00:00+00:00")
    assert municipality_by_slug("zeitz").phone == ""  # still trusted within the TTL
    clock[0] += tenancy_cache.TTL + 0.1
    assert municipality_by_slug("zeitz").phone == "03441 1"
    assert other.phone == "03441 1"


def test_unchanged_version_is_checked_without_a_query(zeitz, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from revier.tenancy import cache as tenancy_cache
    from revier.tenancy.selectors import municipality_by_slug

    clock = [1000.0]
    monkeypatch.setattr(tenancy_cache.time, "monotonic", lambda: clock[0])
    municipality_by_slug("zeitz")
    clock[0] += tenancy_cache.TTL + 0.1
    with CaptureQueriesContext(connection) as ctx:
        assert municipality_by_slug("zeitz").slug == "zeitz"
    assert ctx.captured_queries == []


def test_a_change_drops_only_that_municipalitys_entries(zeitz, naumburg):
    from revier.tenancy import cache as tenancy_cache
    from revier.tenancy.selectors import municipality_by_slug
    from revier.tenancy.services import municipality_update

    municipality_by_slug("zeitz")
    municipality_by_slug("naumburg")
    assert {key for _, key in tenancy_cache._entries} == {"zeitz", "naumburg"}
    municipality_update(municipality=zeitz, phone="03441 2")
    assert {key for _, key in tenancy_cache._entries} == {"naumburg"}
    assert municipality_by_slug("zeitz").phone == "03441 2"


@pytest.mark.django_db(transaction=True)
def test_lost_version_key_reloads_from_the_database(zeitz, monkeypatch):
    """Redis restarted without its data: the next check reloads and publishes the version again."""
    from revier.tenancy import cache as tenancy_cache
    from revier.tenancy.models import Municipality
    from revier.tenancy.selectors import municipality_by_slug
    from revier.tenancy.services import municipality_update

    clock = [1000.0]
    monkeypatch.setattr(tenancy_cache.time, "monotonic", lambda: clock[0])
    municipality_by_slug("zeitz")
    key = tenancy_cache._version_key(zeitz.pk)
    assert tenancy_cache.cache.get(key) == zeitz.updated_at.isoformat()
    tenancy_cache.cache.delete(key)
    Municipality.objects.filter(pk=zeitz.pk).update(phone="03441 3")
    clock[0] += tenancy_cache.TTL + 0.1
    assert municipality_by_slug("zeitz").phone == "03441 3"
    assert tenancy_cache.cache.get(key) == zeitz.updated_at.isoformat()
    # After a committed write the published version is the new one.
    municipality_update(municipality=zeitz, phone="03441 4")
    assert (
        tenancy_cache.cache.get(key) == Municipality.objects.get(pk=zeitz.pk).updated_at.isoformat()
    )


def _forbidden(*args, **kwargs):
    raise AssertionError("no cache round trip expected")


def test_cached_municipality_is_a_private_copy(zeitz):
    from revier.tenancy.selectors import municipality_by_slug

    first = municipality_by_slug("zeitz")
    first.name = "changed in one request"
    assert municipality_by_slug("zeitz").name == "Zeitz"


def test_cached_layout_differs_by_address_form_language_and_login(client, zeitz_domain, settings):
    """The layout's fragment cache (frontend/base.html) must never mix these up."""
    from tests.conftest import make_user

    assert 'href="/zeitz/impressum/"' in client.get("/zeitz/").content.decode()
    on_domain = client.get("/", HTTP_HOST="service.zeitz.example").content.decode()
    assert 'href="/impressum/"' in on_domain
    assert "/zeitz/" not in on_domain

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    german = client.get("/zeitz/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/zeitz/").content.decode()
    assert "Barrierefreiheit" in german
    assert "Accessibility statement" in english and "Erklärung zur Barrierefreiheit" not in english

    client.force_login(make_user("resident@example.org"))
    logged_in = client.get("/zeitz/").content.decode()
    assert 'href="/zeitz/konto/"' in logged_in
    assert 'href="/zeitz/konto/"' not in english

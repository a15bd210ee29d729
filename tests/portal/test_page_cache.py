"""The response cache of anonymous public pages (revier.core.pagecache, ADR 0033)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from revier.tenancy.services import municipality_update
from tests.conftest import make_user

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _get(client, path, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **kwargs)
    return response, len(ctx.captured_queries)


def _hit(client, path) -> bool:
    """Whether ``path`` was served from the page cache."""
    state = getattr(client.get(path).wsgi_request, "_public_page", None)
    return bool(state and state.get("hit"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/zeitz/",
        "/zeitz/impressum/",
        "/zeitz/datenschutz/",
        "/zeitz/aktuelles/",
        "/zeitz/barrierefreiheit/",
        "/zeitz/leichte-sprache/",
    ],
)
def test_second_anonymous_visit_is_served_without_a_query(client, zeitz, path, monkeypatch):
    first, _ = _get(client, path)
    assert first.status_code == 200
    import revier.news.views
    import revier.portal.views

    # The view does not run at all.
    monkeypatch.setattr(revier.portal.views, "render", _forbidden)
    monkeypatch.setattr(revier.news.views, "render", _forbidden)
    second, queries = _get(Client(), path)
    assert second.status_code == 200
    assert queries == 0
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    # What the outer middleware adds is there on a cached response too.
    assert second["Content-Security-Policy"] and second["X-Content-Type-Options"] == "nosniff"


def _forbidden(*args, **kwargs):
    raise AssertionError("the view ran although the page was cached")


@pytest.mark.django_db
def test_every_visitor_gets_a_csrf_token_of_their_own_that_works(zeitz):
    first = Client(enforce_csrf_checks=True)
    first.get("/zeitz/impressum/")
    second = Client(enforce_csrf_checks=True)
    response, queries = _get(second, "/zeitz/impressum/")
    assert queries == 0
    tokens = set(TOKEN.findall(response.content.decode()))
    assert len(tokens) == 1
    (token,) = tokens
    first_tokens = set(TOKEN.findall(first.get("/zeitz/impressum/").content.decode()))
    assert token not in first_tokens
    # The cached page's fresh token matches the cookie this visitor got with it.
    switched = second.post(
        "/zeitz/i18n/setlang/",
        {"language": "en", "next": "/zeitz/impressum/", "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302


@pytest.mark.django_db
def test_languages_and_addresses_are_kept_apart(client, zeitz, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    german = client.get("/zeitz/impressum/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/zeitz/impressum/").content.decode()
    assert '<html lang="en"' in english
    assert '<html lang="de"' in german
    assert _hit(client, "/zeitz/impressum/")
    assert not _hit(client, "/zeitz/impressum/?x=1")


@pytest.mark.django_db
def test_logged_in_people_are_neither_served_nor_stored(client, zeitz):
    client.force_login(make_user("resident@example.org"))
    assert 'href="/zeitz/konto/"' in client.get("/zeitz/").content.decode()
    anonymous = Client().get("/zeitz/").content.decode()
    assert 'href="/zeitz/konto/"' not in anonymous
    assert not _hit(client, "/zeitz/")
    assert 'href="/zeitz/konto/"' in client.get("/zeitz/").content.decode()


@pytest.mark.django_db
def test_a_change_of_content_shows_at_once_and_only_that_municipality_reloads(
    client, zeitz, naumburg, publish_news
):
    for path in ("/zeitz/impressum/", "/zeitz/aktuelles/", "/naumburg/impressum/"):
        client.get(path)
    municipality_update(municipality=zeitz, phone="03441 83-0")
    assert "03441 83-0" in client.get("/zeitz/impressum/").content.decode()
    publish_news(zeitz, 1, prefix="Neu")
    assert "Neu 0" in client.get("/zeitz/aktuelles/").content.decode()
    assert _hit(client, "/naumburg/impressum/")


@pytest.mark.django_db
def test_lost_versions_start_again(client, zeitz):
    from django.core.cache import cache

    from revier.core import pagecache

    client.get("/zeitz/impressum/")
    assert _hit(client, "/zeitz/impressum/")
    cache.delete(pagecache._municipality_key(zeitz.pk))
    assert not _hit(client, "/zeitz/impressum/")  # never served under a lost version
    assert _hit(client, "/zeitz/impressum/")


@pytest.mark.django_db
def test_only_declared_parameters_with_short_digits_are_cached(client, zeitz, publish_news):
    publish_news(zeitz, 12)
    client.get("/zeitz/aktuelles/?page=2")
    assert _hit(client, "/zeitz/aktuelles/?page=2")
    # Anything else goes to the view and is never stored: random parameters cannot fill the cache.
    for path in (
        "/zeitz/?x=1",
        "/zeitz/aktuelles/?page=2&x=1",
        "/zeitz/aktuelles/?page=abc",
        "/zeitz/leistungen/?q=ausweis",
        "/zeitz/aktuelles/?page=2&page=3",
    ):
        client.get(path)
        assert not _hit(client, path), path


@pytest.mark.django_db
def test_the_platform_directory_is_cached_until_a_municipality_changes(client, zeitz, naumburg):
    for path in ("/", "/?land=15", "/?kreis=15084"):
        client.get(path)
        assert _hit(client, path), path
    client.get("/?q=zeit")
    assert not _hit(client, "/?q=zeit")  # free-text searches go to the view
    municipality_update(municipality=naumburg, is_active=False)
    assert not _hit(client, "/?kreis=15084")
    assert 'href="/naumburg/"' not in client.get("/?kreis=15084").content.decode()


@pytest.mark.django_db
def test_errors_and_unmarked_pages_are_not_cached(client, zeitz):
    assert client.get("/zeitz/aktuelles/gibt-es-nicht/").status_code == 404
    assert not _hit(client, "/zeitz/aktuelles/gibt-es-nicht/")
    # Nor pages that did not opt in (the log-in form).
    client.get("/zeitz/accounts/login/")
    assert not _hit(client, "/zeitz/accounts/login/")

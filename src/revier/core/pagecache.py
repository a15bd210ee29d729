"""Response cache of anonymous public pages, per municipality and language (ADR 0033).

A view opts in with ``@public_page``. Its GET responses to visitors without a session are kept in
the shared cache, keyed on what changes them:

- the municipality's content version and the platform's (``public_content_changed``: the
  services that change what public pages show bump it; every entry with an older version is dead),
- the language, the scheme, host and path with query string, and whether htmx asked for a part.

A request is served from the cache with one round trip (an MGET of the two versions and the page)
before the view runs. CSRF tokens in a cached page (the language switch is a POST form) are
replaced by a fresh token of the requesting visitor, so no two visitors share one. What happens
on the way out — security and CSP headers, the CSRF cookie — runs for cached responses too.

Not cached: other methods, requests with a session or messages cookie (logged in, or with a flash
message), query strings with other parameters than the view declares (or values other than a few
digits: a free-text search, or random parameters meant to fill the cache, go to the view),
responses that are not a plain 200 or that set a cookie, and views that changed the session.

The platform's own pages (no municipality) are cached under the platform's version and the
*directory* version, which every change of a municipality bumps (``public_directory_changed``).
Entries expire after ``TIMEOUT`` seconds in any case, for what changes with time alone (a news
item scheduled for a minute from now).
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

TIMEOUT = 300
VERSION_TIMEOUT = 7 * 24 * 3600
PLATFORM_VERSION_KEY = "revier:page:v:platform"
DIRECTORY_VERSION_KEY = "revier:page:v:directory"
MUNICIPALITY_VERSION_KEY = "revier:page:v:{pk}"
PAGE_KEY = "revier:page:{pk}:{digest}"

# Values of declared parameters that may be cached: page numbers, Land and Kreis keys.
_VALUE_RE = re.compile(r"^[0-9]{1,5}$")
_TOKEN_RE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
# Headers of the view's own response worth keeping (the rest is added on the way out).
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary", "Link")


def public_page(view=None, *, params=(), platform_params=()):
    """Mark a view whose anonymous GET responses may be cached (see the module docstring).

    ``params``: query parameters that may vary a cached page of a municipality (e.g. "page");
    ``platform_params``: the same for the view's page on the platform (no municipality).
    """

    def mark(view):
        view.public_page_cache = (frozenset(params), frozenset(platform_params))
        return view

    return mark(view) if view is not None else mark


def _municipality_key(pk) -> str:
    return MUNICIPALITY_VERSION_KEY.format(pk=pk)


def _bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=VERSION_TIMEOUT)


def public_content_changed(municipality=None) -> None:
    """What a municipality's public pages show has changed (None: every municipality's, e.g. the
    federal service catalogue). Call from the service that changed it, inside its transaction.

    Bumped now, so a page rendered before the commit is stored under a version that is already
    dead, and again after the commit, so no page rendered in between outlives it.
    """
    key = PLATFORM_VERSION_KEY if municipality is None else _municipality_key(municipality.pk)
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def public_directory_changed() -> None:
    """A municipality was added or changed: the platform's own pages (the directory) change."""
    _bump(DIRECTORY_VERSION_KEY)
    transaction.on_commit(lambda: _bump(DIRECTORY_VERSION_KEY))


def _cacheable_request(request, marks) -> bool:
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    allowed = marks[0] if getattr(request, "municipality", None) is not None else marks[1]
    for key, values in request.GET.lists():
        if key not in allowed or len(values) != 1 or not _VALUE_RE.match(values[0]):
            return False
    return True


def _version_keys(request) -> list[str]:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        return [PLATFORM_VERSION_KEY, DIRECTORY_VERSION_KEY]
    return [PLATFORM_VERSION_KEY, _municipality_key(municipality.pk)]


def _page_key(request) -> str:
    parts = "\n".join(
        [
            request.scheme,
            request.get_host(),
            getattr(request, "LANGUAGE_CODE", ""),
            request.META.get("SCRIPT_NAME", ""),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
        ]
    )
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    municipality = getattr(request, "municipality", None)
    return PAGE_KEY.format(pk=municipality.pk if municipality else "platform", digest=digest)


class PublicPageCacheMiddleware:
    """Serves and stores ``@public_page`` responses; goes right after the municipality
    middleware, so the request knows its municipality and language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "_public_page", None)
        if state is not None and not state.get("hit"):
            self._store(request, response, state)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        marks = getattr(view_func, "public_page_cache", None)
        if marks is None or not _cacheable_request(request, marks):
            return None
        versions = _version_keys(request)
        page_key = _page_key(request)
        found = cache.get_many([*versions, page_key])
        state = {"key": page_key, "version_keys": versions}
        state["versions"] = [found.get(k) for k in versions]
        request._public_page = state
        entry = found.get(page_key)
        if entry is None or None in state["versions"] or entry["versions"] != state["versions"]:
            return None
        state["hit"] = True
        token = get_token(request).encode() if len(entry["parts"]) > 1 else b""
        response = HttpResponse(token.join(entry["parts"]), status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        return response

    def _store(self, request, response, state) -> None:
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or "private" in response.get("Cache-Control", "")
            or "no-store" in response.get("Cache-Control", "")
        ):
            return
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return
        versions = state["versions"]
        if None in versions:
            # First page since the versions were lost (or ever): start them; this page is stored
            # under them only if nobody bumped them in the meantime.
            keys = state["version_keys"]
            for key, value in zip(keys, versions, strict=True):
                if value is None:
                    cache.add(key, uuid.uuid4().hex, timeout=VERSION_TIMEOUT)
            current = cache.get_many(keys)
            versions = [current.get(k) for k in keys]
            if None in versions:
                return
        parts = _TOKEN_RE.split(response.content)
        # split() keeps the two groups around each token: glue them back onto their neighbours.
        pieces = [parts[0]]
        for i in range(1, len(parts), 3):
            pieces[-1] += parts[i]
            pieces.append(parts[i + 1] + parts[i + 2])
        headers = [(h, response[h]) for h in _KEPT_HEADERS if response.has_header(h)]
        cache.set(
            state["key"],
            {"versions": versions, "status": 200, "headers": headers, "parts": pieces},
            timeout=TIMEOUT,
        )

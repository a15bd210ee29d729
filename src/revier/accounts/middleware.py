"""Let the login pages' forms lead to the OIDC provider.

The CSP says ``form-action 'self'``, and browsers apply it to the redirects after a form post
as well: the "Log in with BundID" button posts to our own address, which redirects to the
provider, and Chromium would stop there. Pages that carry such a button allow the configured
providers' origins in ``form-action``; every other page keeps ``'self'`` alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def provider_origins(request, apps=None) -> list[str]:
    """``scheme://host[:port]`` of each configured OIDC provider (operator admin or settings),
    or of the given social ``apps``."""
    from allauth.socialaccount.adapter import get_adapter

    from revier.accounts.oidc import OIDCProvider

    if apps is None:
        apps = get_adapter(request).list_apps(request, provider=OIDCProvider.id)
    origins = []
    for app in apps:
        url = urlsplit((app.settings or {}).get("server_url", ""))
        if url.scheme in ("https", "http") and url.netloc:
            origin = f"{url.scheme}://{url.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def allow_provider_forms(request, response, origins: list[str] | None = None):
    origins = provider_origins(request) if origins is None else origins
    if origins:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), *origins]
        response._csp_update = update
    return response


class OIDCFormActionMiddleware:
    """For the account pages (``…/accounts/…``: login, sign-up, provider confirmation)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "/accounts/" in request.path and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            allow_provider_forms(request, response)
        return response

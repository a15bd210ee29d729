"""The client's address as the project trusts it, one function for every caller (audit log,
rate limits, allauth's login limits through ``ALLAUTH_TRUSTED_PROXY_COUNT``).

Behind the reverse proxy of ``deploy/`` (``REVIER_NUM_PROXIES=1``) ``REMOTE_ADDR`` is the
proxy's address; the client's is the entry the trusted proxies appended to ``X-Forwarded-For``,
counted from the right, the same rule DRF's throttles use. Entries further left were written by
the client and are never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    return int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)


def client_ip(request) -> str | None:
    """The client's IP address, or None when the request carries none that parses."""
    proxies = trusted_proxy_count()
    candidate = request.META.get("REMOTE_ADDR") or ""
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None

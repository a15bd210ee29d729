"""Counting requests per scope and client in the cache (Redis in production).

A fixed window per scope: the counter ``(scope, key, window number)`` is created with an expiry
of one window and incremented atomically (Redis ``INCR``; the in-process cache holds a lock). A
fixed window lets a client send up to twice the limit around a window's edge; in exchange a check
costs one cache round trip and the answer "try again at" is exact. ADR 0028.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches

from revier.core.net import client_ip

# Tests move the clock by replacing this.
_now = time.time


class RateLimited(Exception):
    """More than the allowed number of requests in the window; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int, scope: str = ""):
        self.retry_after = max(1, int(retry_after))
        self.scope = scope
        super().__init__(
            f"rate limit of {scope or 'scope'} reached; retry after {self.retry_after}s"
        )


def _cache():
    return caches[getattr(settings, "REVIER_RATE_LIMIT_CACHE", "default")]


def client_key(request) -> str:
    """A keyed hash of the client's address, never the address itself (it may end up in cache
    keys, logs and tests). IPv6 clients are counted by their /64 network: one household or
    server usually holds a whole /64 and could rotate through it."""
    ip = client_ip(request) or "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        address = None
    if address is not None and address.version == 6 and address.ipv4_mapped is None:
        ip = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    elif address is not None and address.version == 6:
        ip = str(address.ipv4_mapped)
    secret = f"revier.core.abuse.client_key:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, ip.encode(), hashlib.sha256).hexdigest()[:32]


def configured_limit(scope: str, *, limit: int, window: int) -> tuple[int, int]:
    """``(limit, window)`` for ``scope``: the operator's ``REVIER_RATE_LIMITS[scope]`` if set,
    else the caller's."""
    override = getattr(settings, "REVIER_RATE_LIMITS", {}).get(scope)
    if override:
        limit, window = override
    return int(limit), max(1, int(window))


def _counter_key(scope: str, key: str, window: int, now: float) -> tuple[str, int]:
    number = int(now // window)
    # The key's own hash keeps arbitrary caller keys (e-mail addresses) short and opaque.
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"revier:rl:{scope}:{window}:{digest}:{number}", (number + 1) * window


def _increment(cache_key: str, timeout: int) -> int:
    cache = _cache()
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:
        # Expired between add and incr: this request opens the next counter.
        cache.add(cache_key, 0, timeout=timeout)
        return cache.incr(cache_key)


def check_rate(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one request of ``key`` in ``scope``; raise :class:`RateLimited` past ``limit``
    requests per ``window`` seconds (overridable per scope by ``REVIER_RATE_LIMITS``)."""
    limit, window = configured_limit(scope, limit=limit, window=window)
    now = _now()
    cache_key, window_end = _counter_key(scope, key, window, now)
    count = _increment(cache_key, timeout=window + 1)
    if count > limit:
        raise RateLimited(math.ceil(window_end - now), scope=scope)


def current_count(scope: str, key: str, *, window: int) -> int:
    """How many requests ``key`` made in ``scope`` in the current window (not counting one)."""
    _limit, window = configured_limit(scope, limit=0, window=window)
    cache_key, _end = _counter_key(scope, key, window, _now())
    return int(_cache().get(cache_key) or 0)

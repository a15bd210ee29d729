"""Per-process cache of the municipalities that requests resolve to.

Every request needs its municipality; reading it from the database each time cost about half of a
trivial request (benchmarks/RESULTS.md). Each process keeps the municipalities it has seen and
checks one shared token in the cache (Redis in production) per request; every write to a
municipality or a domain replaces the token, so all processes reload at their next request.
Misses are not cached, so unknown slugs cannot fill the memory.
"""

import copy
import threading
import uuid

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "revier:tenancy:generation"

_lock = threading.Lock()
_state: dict = {"token": None, "entries": {}}


def _token() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def cached(kind: str, key: str, loader):
    """Return a private copy of ``loader(key)``, cached per process until the next write."""
    token = _token()
    with _lock:
        if _state["token"] != token:
            _state["token"], _state["entries"] = token, {}
        value = _state["entries"].get((kind, key))
    if value is None:
        value = loader(key)
        if value is None:
            return None
        with _lock:
            if _state["token"] == token:
                _state["entries"][(kind, key)] = value
    # A copy per request: views may set attributes on request.municipality.
    return copy.copy(value)


def _replace_token() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate() -> None:
    """Call after any write to a municipality or its domains.

    Now, so this process and the rest of this transaction see the change, and again after commit,
    so no other process keeps what it may have read in between.
    """
    _replace_token()
    transaction.on_commit(_replace_token)

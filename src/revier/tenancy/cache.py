"""Per-process cache of the municipalities that requests resolve to (ADR 0032).

Every request needs its municipality; reading it from the database each time cost about half of a
trivial request (benchmarks/RESULTS.md). Each process keeps the municipalities it has seen, and a
request served from that copy costs neither a query nor a network round trip:

- An entry is trusted for ``TTL`` seconds after it was loaded or last checked. After that, the
  next request that needs it reads the municipality's own version key in the shared cache (Redis
  in production): one GET per municipality, process and ``TTL``, not per request.
- The version is the municipality's ``updated_at``, which is part of the row the entry was loaded
  from. Every write to a municipality or its domains saves ``updated_at`` in its transaction and
  publishes it after the commit (``invalidate(municipality)``); an entry whose version differs from
  the published one is loaded again. A copy read just before a concurrent commit carries the old
  ``updated_at`` and so never looks current once the new one is published.
- A change drops only that municipality's entries: in the writing process at once, in the others
  within ``TTL`` seconds. No write empties the whole cache of any process.
- Misses are not cached, so unknown slugs cannot fill the memory; the entries are bounded by the
  number of municipalities and domains.
"""

import copy
import threading
import time

from django.core.cache import cache
from django.db import transaction

# Seconds another process may serve a municipality it loaded before a change (ADR 0032).
TTL = 5.0
VERSION_KEY = "revier:tenancy:v:{pk}"
# A version key outlives any entry by far; without it every process reloads from the database.
VERSION_TIMEOUT = 7 * 24 * 3600

_lock = threading.Lock()
# (kind, key) -> [value, version, checked_at]
_entries: dict[tuple[str, str], list] = {}


def _version(value) -> str:
    return value.updated_at.isoformat() if value.updated_at else ""


def _version_key(pk) -> str:
    return VERSION_KEY.format(pk=pk)


def cached(kind: str, key: str, loader):
    """Return a private copy of ``loader(key)`` (a Municipality or None), cached per process."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get((kind, key))
    if entry is not None and now - entry[2] < TTL:
        return copy.copy(entry[0])
    if entry is not None:
        published = cache.get(_version_key(entry[0].pk))
        if published == entry[1]:
            entry[2] = now
            return copy.copy(entry[0])
    value = loader(key)
    if value is None:
        with _lock:
            _entries.pop((kind, key), None)
        return None
    version = _version(value)
    # When the shared key is lost (a Redis restart), publish what the database says; a writer's
    # later ``set`` wins over this ``add``.
    cache.add(_version_key(value.pk), version, timeout=VERSION_TIMEOUT)
    with _lock:
        _entries[(kind, key)] = [value, version, now]
    # A copy per request: views may set attributes on request.municipality.
    return copy.copy(value)


def _drop_local(pk) -> None:
    with _lock:
        for cache_key in [k for k, entry in _entries.items() if entry[0].pk == pk]:
            del _entries[cache_key]


def _publish(pk) -> None:
    from revier.tenancy.models import Municipality

    updated_at = Municipality.objects.filter(pk=pk).values_list("updated_at", flat=True).first()
    _drop_local(pk)
    cache.delete("revier:tenancy:land-counts")  # selectors.LAND_COUNTS_KEY
    key = _version_key(pk)
    if updated_at is None:  # deleted: no entry can match a version that is never published
        cache.set(key, "deleted", timeout=VERSION_TIMEOUT)
        return
    version = updated_at.isoformat()
    # Two writers publishing at once: keep the later version (ISO times sort as text).
    published = cache.get(key)
    if published is None or published == "deleted" or published < version:
        cache.set(key, version, timeout=VERSION_TIMEOUT)


def invalidate(municipality) -> None:
    """Call after any write to ``municipality`` or its domains, inside the writing transaction.

    Saves a new ``updated_at`` (the version other processes compare with), drops this process's
    entries of the municipality now, so the rest of this request sees the change, and publishes
    the version after the commit, so other processes reload it within ``TTL`` seconds.
    """
    from django.utils import timezone

    from revier.core.pagecache import public_content_changed, public_directory_changed
    from revier.tenancy.models import Municipality

    pk = municipality.pk
    now = timezone.now()
    Municipality.objects.filter(pk=pk).update(updated_at=now)
    municipality.updated_at = now
    _drop_local(pk)
    transaction.on_commit(lambda: _publish(pk))
    # Name, contact, colours, modules: every public page shows some of it, and the platform's
    # directory of municipalities lists it (ADR 0033).
    public_content_changed(municipality)
    public_directory_changed()


def drop(pk) -> None:
    """After deleting a municipality: forget it here now and everywhere after the commit."""
    from revier.core.pagecache import public_directory_changed

    _drop_local(pk)
    transaction.on_commit(lambda: _publish(pk))
    public_directory_changed()


def clear_local() -> None:
    """Forget every entry of this process (tests)."""
    with _lock:
        _entries.clear()

"""Locks for scarce things, taken in one short transaction (ADR 0042).

The contract, after pretix's ``locking.py``:

* Call :func:`lock` **inside** ``transaction.atomic()``, **before** reading what the lock
  protects, with **every** key the write needs at once. Keys are taken in sorted order, so two
  transactions that need overlapping sets cannot deadlock.
* PostgreSQL: transaction-scoped advisory locks (``pg_advisory_xact_lock(int4, int4)``), released
  by COMMIT or ROLLBACK, never by hand. A key is ``(namespace, id)``; the namespace string is
  hashed to an int4, the id folded into one (a collision only makes two writers wait for each
  other, it never lets two in at once). ``lock_timeout`` bounds the wait; when it passes,
  :class:`LockBusy` is raised and the caller answers "please try again" (503 / a form error).
* SQLite (the embedded default, one process): every transaction starts with ``BEGIN IMMEDIATE``
  (``transaction_mode`` in the settings), which takes the database's single write lock. Writers
  are serialised whole, so reading and then writing inside the transaction is race-free; the
  keys are not needed. A writer that waits longer than the busy timeout gets "database is
  locked", which :func:`is_lock_timeout` recognises as :class:`LockBusy` too.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

DEFAULT_TIMEOUT_MS = 3000
_INT4 = 2**31


class LockBusy(Exception):
    """The locks were not obtained within the timeout: the caller should try again shortly."""


def _int4(value: int) -> int:
    return ((value + _INT4) % (2 * _INT4)) - _INT4


def lock_key(namespace: str, ident: int) -> tuple[int, int]:
    """The advisory lock key of object ``ident`` in ``namespace`` (e.g. ``booking.slot``)."""
    return _int4(zlib.crc32(namespace.encode())), _int4(int(ident))


def timeout_ms() -> int:
    return int(getattr(settings, "REVIER_LOCK_TIMEOUT_MS", DEFAULT_TIMEOUT_MS))


def lock(keys: Iterable[tuple[str, int]], *, timeout: int | None = None) -> None:
    """Lock ``(namespace, id)`` pairs for the rest of the current transaction (see above)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("lock() must be called inside transaction.atomic().")
    if conn.vendor == "sqlite":
        mode = conn.settings_dict.get("OPTIONS", {}).get("transaction_mode")
        if mode != "IMMEDIATE":
            raise ImproperlyConfigured("SQLite needs transaction_mode IMMEDIATE for lock().")
        return
    if conn.vendor != "postgresql":
        raise ImproperlyConfigured(f"No locking for database {conn.vendor!r}.")
    ordered = sorted({lock_key(ns, ident) for ns, ident in keys})
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{timeout if timeout is not None else timeout_ms()}ms"],
            )
            for a, b in ordered:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [a, b])
    except DatabaseError as exc:
        if is_lock_timeout(exc):
            raise LockBusy from exc
        raise


def is_lock_timeout(exc: BaseException) -> bool:
    """A lock wait that ran out: PostgreSQL's ``lock_not_available`` (55P03), a statement
    timeout, or SQLite's "database is locked"."""
    seen = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in ("55P03", "57014"):
            return True
        if "database is locked" in str(seen):
            return True
        seen = seen.__cause__
    return False

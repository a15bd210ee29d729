"""``Idempotency-Key`` for API writes: a repeated request gets the first answer, once.

The same machinery as the submission API of applications (claim the key first, in the same
transaction as the write; a concurrent request with the same key waits on the unique index and
then finds the stored answer), for any module: ``scope`` names the kind of request
(``"booking.create"``), so keys of different endpoints never meet. Errors are not stored: a
request that failed (409, 400) may be repeated with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction

from revier.core.models import IdempotentRequest

KEY_MAX = 200


class IdempotencyConflict(Exception):
    """The key was used before with a different request body."""


def body_hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _stored(*, municipality, user, scope: str, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.objects.filter(
        municipality=municipality, user=user, scope=scope, key=key[:KEY_MAX]
    ).first()


def run_idempotent(
    *,
    municipality,
    user,
    scope: str,
    key: str,
    request_hash: str,
    run: Callable[[], tuple[int, dict]],
) -> tuple[int, dict]:
    """``run()`` once per ``key``; returns its ``(status, body)`` or the stored first answer.
    Raises :class:`IdempotencyConflict` when the key came with another body."""
    if not key:
        return run()
    stored = _stored(municipality=municipality, user=user, scope=scope, key=key)
    if stored is not None:
        if stored.request_hash != request_hash:
            raise IdempotencyConflict
        return stored.status_code, stored.response
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(
                municipality=municipality,
                user=user,
                scope=scope,
                key=key[:KEY_MAX],
                request_hash=request_hash,
                status_code=0,
            )
            status, body = run()
            claim.status_code, claim.response = status, body
            claim.save(update_fields=["status_code", "response"])
            return status, body
    except IntegrityError:
        stored = _stored(municipality=municipality, user=user, scope=scope, key=key)
        if stored is None or stored.status_code == 0:
            raise
        if stored.request_hash != request_hash:
            raise IdempotencyConflict from None
        return stored.status_code, stored.response

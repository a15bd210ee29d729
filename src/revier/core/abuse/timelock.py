"""The proof without JavaScript: time instead of CPU.

A browser without JavaScript cannot compute a proof of work. It gets a signed token instead that
becomes valid only ``REVIER_TIMELOCK_SECONDS`` after it was issued (and stays valid for
``REVIER_TIMELOCK_MAX_AGE``). A person filling in a form needs that long anyway; a bot posting
as fast as it can has to wait. Waiting costs the bot no CPU, so many tokens fetched in parallel
all ripen together: the time lock slows a single client down, it does not make mass posting
expensive. That is what the rate limits are for (ADR 0028). Each token is accepted once.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import caches

SALT = "revier.core.abuse.timelock"
MAX_TOKEN_LENGTH = 500

# Tests move the clock by replacing this.
_now = time.time


def delay() -> int:
    return int(getattr(settings, "REVIER_TIMELOCK_SECONDS", 10))


def max_age() -> int:
    return int(getattr(settings, "REVIER_TIMELOCK_MAX_AGE", 2 * 3600))


def issue_token(*, issued_at: float | None = None) -> str:
    """A new token; ``issued_at`` carries the waiting already done over to a re-rendered form."""
    issued = int(_now() if issued_at is None else issued_at)
    return signing.dumps({"n": secrets.token_hex(8), "t": issued}, salt=SALT, compress=False)


def read_token(token: str) -> int | None:
    """The time the token was issued, or None when it is not one of ours (or too old)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    issued = data.get("t") if isinstance(data, dict) else None
    if isinstance(issued, bool) or not isinstance(issued, int):
        return None
    if _now() - issued > max_age():
        return None
    return issued


def seconds_left(token: str) -> int | None:
    """Seconds until the token may be used (0: now), None when it is invalid."""
    issued = read_token(token)
    if issued is None:
        return None
    return max(0, int(issued + delay() - _now() + 0.999))


def verify_token(token: str, *, consume: bool = True) -> bool:
    """True when ``token`` is ours, ripe, not expired and (with ``consume``) not used before."""
    if seconds_left(token) != 0:
        return False
    if consume:
        key = f"revier:timelock:used:{hashlib.sha256(token.encode()).hexdigest()}"
        if not caches["default"].add(key, 1, timeout=max_age() + 60):
            return False
    return True

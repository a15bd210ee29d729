"""Abuse protection for public forms and API endpoints (ADR 0028).

Rate limits, counted in the cache per scope and client::

    key = abuse.client_key(request)              # keyed hash of the client's address
    abuse.check_rate("booking.reserve", key, limit=10, window=600)   # raises RateLimited

``RateLimited`` becomes 429 with ``Retry-After``: a page (``RateLimitMiddleware``), problem JSON
in the API (``core.api.problem_exception_handler``), or an error on the form that keeps the
answers (``rate_limit_or_form_error``). Operators change limits per scope with
``REVIER_RATE_LIMITS = {"booking.reserve": (20, 600)}``.

Proof of work (ALTCHA, self-hosted): ``ProofOfWorkField`` in forms (with a time-lock fallback
without JavaScript), ``require_proof(request)`` in API views (``X-Altcha`` header),
``proof_required(scope, key)`` decides when to ask, ``create_challenge``/``verify_solution``
underneath.
"""

from revier.core.abuse.altcha import create_challenge, solve, verify_solution
from revier.core.abuse.forms import ProofOfWorkField, ProofOfWorkWidget
from revier.core.abuse.policy import proof_from_request, proof_required, require_proof
from revier.core.abuse.ratelimit import RateLimited, check_rate, client_key, current_count
from revier.core.abuse.responses import (
    rate_limit_or_form_error,
    rate_limited_response,
    wait_text,
    with_retry_after,
)

__all__ = [
    "ProofOfWorkField",
    "ProofOfWorkWidget",
    "RateLimited",
    "check_rate",
    "client_key",
    "create_challenge",
    "current_count",
    "proof_from_request",
    "proof_required",
    "rate_limit_or_form_error",
    "rate_limited_response",
    "require_proof",
    "solve",
    "verify_solution",
    "wait_text",
    "with_retry_after",
]

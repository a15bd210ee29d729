"""When to ask for a proof of work, and how an API client gives one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from revier.core.abuse import altcha
from revier.core.abuse.ratelimit import current_count

HEADER = "X-Altcha"
FIELD = "altcha"


def proof_required(scope: str, key: str, *, after: int = 0, window: int = 3600) -> bool:
    """Whether ``key`` must prove work for its next request in ``scope``.

    The rule is one number: with ``after=0`` (the default) always, e.g. for every anonymous
    post in a scope; otherwise once :func:`check_rate` has counted ``after`` requests of ``key``
    in ``scope`` in the current window (pass the same ``window`` as to ``check_rate``), a softer
    threshold below the hard limit. Operators override ``after`` per scope with
    ``REVIER_PROOF_AFTER = {scope: n}``; a negative number switches the proof off.
    """
    after = int(getattr(settings, "REVIER_PROOF_AFTER", {}).get(scope, after))
    if after < 0:
        return False
    if after == 0:
        return True
    return current_count(scope, key, window=window) >= after


def proof_from_request(request) -> str:
    """The solution an API client sent: the ``X-Altcha`` header, else the body's ``altcha``."""
    header = request.headers.get(HEADER, "")
    if header:
        return header.strip()
    data = getattr(request, "data", None)
    value = data.get(FIELD) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def require_proof(request) -> None:
    """For API views: raise a field error on ``altcha`` (400 problem JSON) unless the request
    carries a valid, unused solution (``GET /api/v1/altcha/challenge/`` hands out challenges)."""
    payload = proof_from_request(request)
    if not payload:
        raise ValidationError(
            {
                FIELD: _(
                    "Solve a proof-of-work challenge (GET /api/v1/altcha/challenge/) and send "
                    "the solution in the X-Altcha header."
                )
            }
        )
    if not altcha.verify_solution(payload):
        raise ValidationError(
            {FIELD: _("The proof-of-work solution is wrong, expired or was used before.")}
        )

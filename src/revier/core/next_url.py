"""The page a person asked for, kept across the detour of setting up a second factor.

The back office sends staff without TOTP to the set-up; the path they asked for is kept in the
session and offered on the page that ends the set-up (the recovery codes). Only a local path of
this site is kept, so the link can never lead elsewhere.
"""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme

NEXT_SESSION_KEY = "revier_after_mfa_setup"


def _local(request, path: str) -> bool:
    return (
        bool(path)
        and path.startswith("/")
        and not path.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()})
    )


def remember_next(request, path: str) -> None:
    """Keep ``path`` (a local path) to offer after the set-up."""
    if _local(request, path):
        request.session[NEXT_SESSION_KEY] = path


def pending_next(request) -> str:
    """The remembered page, or "" (checked again: the session may be old)."""
    path = request.session.get(NEXT_SESSION_KEY) or ""
    return path if _local(request, path) else ""


def forget_next(request) -> None:
    request.session.pop(NEXT_SESSION_KEY, None)

"""The staff's second factor, as allauth offers it with two changes (ADR 0037).

- The TOTP secret shown while setting up stays the same across reloads until it is confirmed
  (allauth makes a new one on every GET, so a reload after scanning the QR code breaks the
  authenticator app's codes).
- The page a person asked for before the back office sent them to the set-up is kept in the
  session (``revier.core.next_url``) and offered once the set-up is done.
"""

from __future__ import annotations

from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal import auth
from django import forms


class StableActivateTOTPForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        # Reuse the secret of this session (allauth clears it once the set-up is confirmed).
        self.secret = auth.get_totp_secret(regenerate=False)

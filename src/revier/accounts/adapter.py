from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned, PermissionDenied
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_str

from revier.core import outbox
from revier.core.documents.letter import salutation


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Revier's mail queue instead of synchronously, from the
    municipality the person signed up at (or the platform), and records the trust level of
    each login (ADR 0009)."""

    def _sender(self):
        from revier.tenancy.mail import sender_for

        return sender_for(getattr(allauth_context.request, "municipality", None))

    def get_from_email(self):
        return self._sender().from_email

    def format_email_subject(self, subject):
        # No "[host]" prefix: the From name says who writes.
        return force_str(subject)

    def send_mail(self, template_prefix, email, context):
        from revier.core.tasks import send_mail_task

        sender = self._sender()
        request = allauth_context.request
        user = context.get("user")
        name = " ".join(
            p for p in (getattr(user, "first_name", ""), getattr(user, "last_name", "")) if p
        )
        context = {
            "email": email,
            "request": request,
            # allauth's templates read the site's name and domain from here.
            "current_site": SimpleNamespace(
                name=sender.name, domain=request.get_host() if request is not None else ""
            ),
            "site_name": sender.name,
            "salutation": salutation(given_name=name),
            "sender": sender,
            **context,
        }
        msg = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        subject, body, to = msg.subject, sender.sign(msg.body), list(msg.to)
        outbox.enqueue(
            send_mail_task,
            subject=subject,
            body=body,
            to=to,
            html=html,
            from_email=msg.from_email,
            reply_to=sender.reply_to_list,
            language=translation.get_language() or "",
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt right after logging in: a password (or second-factor)
        login within the reauthentication window counts as a reauthentication (ADR 0037)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        import time

        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = context.request
        user = getattr(request, "user", None)
        if request is None or user is None or not user.is_authenticated:
            return True
        fresh = [
            r.get("at", 0)
            for r in get_authentication_records(request, user)
            # Typed the password (or set it through the invitation's link) or the TOTP code.
            if r.get("method") in ("password", "password_reset", "mfa")
        ]
        return not fresh or time.time() - max(fresh) >= app_settings.REAUTHENTICATION_TIMEOUT

    def post_login(self, request, user, **kwargs):
        # Runs once the login is complete (after e-mail verification and TOTP stages), for
        # password and provider logins alike: each sets the level of the new session.
        from revier.accounts import oidc, services

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        level = ""
        provider = _oidc_provider(request, sociallogin)
        if provider is not None:
            claims = oidc.claims_of(sociallogin.account.extra_data or {})
            level = oidc.trust_level_from_claims(
                claims, claim=oidc.trust_claim_name(provider.app.settings)
            )
            services.user_record_identity_login(
                user=user, trust_level=level, profile=oidc.profile_from_claims(claims)
            )
        request.session[oidc.SESSION_KEY] = level
        return super().post_login(request, user, **kwargs)


def _oidc_provider(request, sociallogin):
    from allauth.socialaccount.models import SocialApp

    from revier.accounts.oidc import OIDCProvider

    if sociallogin is None:
        return None
    try:
        provider = sociallogin.account.get_provider(request)
    except (SocialApp.DoesNotExist, MultipleObjectsReturned, ImproperlyConfigured):
        return None  # the app was removed or duplicated meanwhile: no provider login
    return provider if isinstance(provider, OIDCProvider) else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Checks the OIDC nonce: the ID token must repeat the one sent with this login's state
    (allauth itself checks the state and PKCE)."""

    def pre_social_login(self, request, sociallogin):
        from allauth.socialaccount.helpers import render_authentication_error

        from revier.accounts.oidc import NONCE_STATE_KEY

        provider = _oidc_provider(request, sociallogin)
        if provider is None:
            return
        expected = (sociallogin.state or {}).get(NONCE_STATE_KEY) or ""
        id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
        received = id_token.get("nonce") or ""
        if not expected or not constant_time_compare(str(received), expected):
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request, provider, exception=PermissionDenied("OIDC nonce mismatch")
                )
            )

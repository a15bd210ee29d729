from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned, PermissionDenied
from django.utils.crypto import constant_time_compare

from revier.core import outbox


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Revier's mail queue instead of synchronously, and records
    the trust level of each login (ADR 0009)."""

    def send_mail(self, template_prefix, email, context):
        from revier.core.tasks import send_mail_task

        msg = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        subject, body, to = msg.subject, msg.body, list(msg.to)
        outbox.enqueue(send_mail_task, subject=subject, body=body, to=to, html=html)

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

"""Adds the trust level and profile claims of the test identities to tokens and userinfo."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc.provider.persons import PERSONS


class TrustLevelValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "acr": "openid"}

    def get_additional_claims(self, request):
        return dict(PERSONS.get(request.user.username, {}))

"""The platform's OpenID Connect identity providers, for ``revier check-plugins``."""

from revier.accounts.oidc import configured_identity_providers, register
from revier.core.plugins import Configured, configured_source


@configured_source
def identity_providers():
    plugin = register.get("oidc")
    for name, options in configured_identity_providers():
        yield Configured(
            kind="identity", owner="platform", name=name, plugin=plugin, options=options
        )

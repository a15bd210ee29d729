"""System checks of the FIT-Connect trust anchors (``revier check``, ``check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from revier.delivery import certificates


@register(Tags.security)
def trust_anchors_readable(app_configs, **kwargs):
    """A configured anchor file that cannot be read would stop every FIT-Connect delivery."""
    if not settings.FITCONNECT_TRUST_ANCHORS:
        return []
    try:
        anchors = certificates.trust_anchors()
    except (OSError, ValueError) as exc:
        return [
            Error(
                f"REVIER_FITCONNECT_TRUST_ANCHORS cannot be read as PEM certificates: {exc}",
                id="revier.E101",
            )
        ]
    if not anchors:
        return [Error("REVIER_FITCONNECT_TRUST_ANCHORS holds no certificate.", id="revier.E101")]
    return []


@register(Tags.security, deploy=True)
def trust_anchors_configured(app_configs, **kwargs):
    if settings.FITCONNECT_TRUST_ANCHORS:
        return []
    return [
        Warning(
            "REVIER_FITCONNECT_TRUST_ANCHORS is not set: the keys of FIT-Connect destinations "
            "are used without checking their V-PKI certificate chain.",
            hint="Set it to a PEM file with the V-PKI root certificates; leave it unset only "
            "for an installation that talks to FIT-Connect's test environment.",
            id="revier.W101",
        )
    ]

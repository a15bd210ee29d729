"""Saved SMS gateways of every municipality, for ``revier check-plugins``."""

from django_scopes import scopes_disabled

from revier.core.plugins import Configured, configured_source, read_options
from revier.notifications import selectors
from revier.notifications.models import SmsSettings
from revier.notifications.sms import register


@configured_source
def sms_gateways():
    with scopes_disabled():
        saved = list(
            SmsSettings.objects.select_related("municipality").order_by("municipality__slug")
        )
    for sms_settings in saved:
        if sms_settings.plugin in register:
            options, error = read_options(selectors.sms_options, sms_settings)
            yield Configured(
                kind="sms",
                owner=sms_settings.municipality.slug,
                name="SMS",
                plugin=register.get(sms_settings.plugin),
                options=options,
                error=error,
            )

"""Delivery through FIT-Connect (the Submission API of FITKO)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.delivery.fitconnect import (
    FitConnectClient,
    FitConnectRefused,
    FitConnectUnavailable,
    shared_http,
)
from revier.delivery.plugins.base import (
    DeliveryPlugin,
    DeliveryRefused,
    DeliveryResult,
    DeliveryTemporaryError,
)
from revier.delivery.registry import register

_url = URLValidator(schemes=["https", "http"])


@register("fitconnect")
class FitConnectPlugin(DeliveryPlugin):
    label = gettext_lazy("FIT-Connect")
    required_options = ("api_url", "token_url", "client_id", "client_secret", "destination")
    secret_options = ("client_secret",)

    def clean_options(self, options: dict) -> dict:
        options = super().clean_options(options)
        errors = {}
        for key in ("api_url", "token_url"):
            try:
                _url(options[key])
            except ValidationError:
                errors[key] = ValidationError(
                    _("“%(value)s” is not a valid http(s) URL.") % {"value": options[key]},
                    code="url",
                )
        try:
            options["destination"] = str(uuid.UUID(str(options["destination"])))
        except ValueError:
            errors["destination"] = ValidationError(
                _("The destination must be a UUID, e.g. 6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e."),
                code="uuid",
            )
        if errors:
            raise ValidationError(errors)
        return {key: options[key] for key in self.required_options}

    def deliver(self, *, package, options, delivery) -> DeliveryResult:
        client = FitConnectClient(
            api_url=options["api_url"],
            token_url=options["token_url"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            http=shared_http(),
        )
        try:
            result = client.send(package, destination_id=options["destination"])
        except FitConnectUnavailable as exc:
            raise DeliveryTemporaryError(str(exc)) from exc
        except FitConnectRefused as exc:
            raise DeliveryRefused(str(exc)) from exc
        return DeliveryResult(submission_id=result.submission_id)

"""Delivery through FIT-Connect (the Submission API of FITKO)."""

import datetime as dt
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
    DeliveryAnswer,
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
    reads_answers = True

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

    @staticmethod
    def _client(options: dict) -> FitConnectClient:
        return FitConnectClient(
            api_url=options["api_url"],
            token_url=options["token_url"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            http=shared_http(),
        )

    def deliver(self, *, package, options, delivery) -> DeliveryResult:
        client = self._client(options)
        try:
            result = client.send(package, destination_id=options["destination"])
        except FitConnectUnavailable as exc:
            raise DeliveryTemporaryError(str(exc)) from exc
        except FitConnectRefused as exc:
            raise DeliveryRefused(str(exc)) from exc
        return DeliveryResult(
            submission_id=result.submission_id,
            case_id=result.case_id,
            authentication_tags=result.authentication_tags,
        )

    def answer(self, *, delivery, options) -> DeliveryAnswer | None:
        """The authority's latest accept or reject in the case's event log."""
        if not delivery.case_id or not delivery.submission_id:
            raise DeliveryRefused(_("The delivery has no FIT-Connect case to ask about."))
        try:
            events = self._client(options).events(
                case_id=delivery.case_id,
                submission_id=delivery.submission_id,
                destination_id=options["destination"],
            )
        except FitConnectUnavailable as exc:
            raise DeliveryTemporaryError(str(exc)) from exc
        except FitConnectRefused as exc:
            raise DeliveryRefused(str(exc)) from exc
        for event in reversed(events):
            if event.name not in ("accept-submission", "reject-submission"):
                continue
            accepted = event.name == "accept-submission"
            # An accept proves receipt only of the parts it names: they must be the ones sent.
            if accepted and event.body.get("authenticationTags") != delivery.authentication_tags:
                raise DeliveryRefused(
                    _("The authority accepted parts that differ from those sent.")
                )
            return DeliveryAnswer(
                accepted=accepted,
                answered_at=dt.datetime.fromtimestamp(event.issued_at, tz=dt.UTC),
                problems=_problems(event.body.get("problems")),
            )
        return None


def _problems(value) -> tuple[dict, ...]:
    """The problems of an event as plain strings, bounded: they come from outside."""
    if not isinstance(value, list):
        return ()
    return tuple(
        {
            key: str(problem[key])[:500]
            for key in ("type", "title", "detail", "instance")
            if problem.get(key) is not None
        }
        for problem in value[:20]
        if isinstance(problem, dict)
    )

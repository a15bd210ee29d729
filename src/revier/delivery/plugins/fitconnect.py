"""Delivery through FIT-Connect (the Submission API of FITKO)."""

import datetime as dt

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.plugins import CHECK_TIMEOUT, CheckResult, Option
from revier.delivery.fitconnect import (
    FitConnectClient,
    FitConnectError,
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


@register("fitconnect")
class FitConnectPlugin(DeliveryPlugin):
    label = gettext_lazy("FIT-Connect")
    description = gettext_lazy(
        "Applications are sent end-to-end encrypted to the authority's FIT-Connect destination."
    )
    options = (
        Option(
            "api_url",
            gettext_lazy("Submission API (URL)"),
            type="url",
            required=True,
            help_text=gettext_lazy("e.g. https://submission-api-testing.fit-connect.fitko.dev"),
        ),
        Option("token_url", gettext_lazy("Token endpoint (URL)"), type="url", required=True),
        Option("client_id", gettext_lazy("Client id"), required=True),
        Option("client_secret", gettext_lazy("Client secret"), type="secret", required=True),
        Option(
            "destination",
            gettext_lazy("Destination id"),
            type="uuid",
            required=True,
            help_text=gettext_lazy("The UUID of the authority's FIT-Connect destination."),
            invalid_message=gettext_lazy(
                "The destination must be a UUID, e.g. 6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e."
            ),
        ),
    )
    reads_answers = True

    def check_config(self, options: dict) -> CheckResult:
        """An access token with the client credentials, then the destination and its key."""
        client = FitConnectClient(
            api_url=options["api_url"],
            token_url=options["token_url"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            http=httpx.Client(timeout=CHECK_TIMEOUT, follow_redirects=False),
        )
        done = []
        try:
            client.access_token()
            done.append(_("Token endpoint: access token received."))
            destination, key, _kept = client._destination_and_key(
                options["destination"], fresh=True
            )
        except FitConnectError as exc:
            step = {
                "token": _(
                    "The token endpoint refused the client credentials or is not reachable."
                ),
                "destination": _("The destination cannot be read."),
                "key": _("The destination's encryption key cannot be used."),
            }.get(exc.step, _("FIT-Connect cannot be reached."))
            return CheckResult.failure(step, [*done, f"{exc.step}: {exc}"])
        finally:
            client.close()
        done.append(
            _("Destination %(id)s is active; its encryption key %(kid)s has been checked.")
            % {
                "id": options["destination"],
                "kid": key.get("kid") or destination.get("encryptionKid"),
            }
        )
        return CheckResult.success(_("FIT-Connect is reachable with this configuration."), done)

    @staticmethod
    def _client(options: dict) -> FitConnectClient:
        return FitConnectClient(
            api_url=options["api_url"],
            token_url=options["token_url"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            http=shared_http(),
        )

    def deliver(self, *, package, options, delivery, checkpoint=None) -> DeliveryResult:
        """Exactly once across attempts: the announced submission is recorded before anything
        of it is sent, and a later attempt reads its state instead of announcing another
        (``FitConnectClient.send``)."""
        client = self._client(options)
        try:
            result = client.send(
                package,
                destination_id=options["destination"],
                handover=delivery.handover,
                checkpoint=checkpoint,
            )
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

"""API of applying: submit an application in one request, read its status."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, parsers, permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.accounts import oidc
from revier.accounts.models import TrustLevel
from revier.applications import selectors, services
from revier.applications.models import Application
from revier.core.api import ProblemResponse
from revier.forms.selectors import form_version_published_get
from revier.services.selectors import local_service_get
from revier.tenancy.api_scope import MunicipalityAPIMixin

ApplicationStatusResponse = inline_serializer(
    "ApplicationStatus",
    {
        "reference": serializers.CharField(help_text="Reference number, e.g. ZEI-2026-000123"),
        "status": serializers.ChoiceField(Application.Status.values),
        "leika": serializers.CharField(),
        "service": serializers.CharField(),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "payment": inline_serializer(
            "ApplicationPayment",
            {
                "status": serializers.ChoiceField(["INITIAL", "BOOKED", "FAILED", "CANCELED"]),
                "method": serializers.CharField(),
                "amount": serializers.DecimalField(max_digits=9, decimal_places=2),
                "transaction_reference": serializers.CharField(
                    help_text="Kassenzeichen or the provider's reference"
                ),
            },
            allow_null=True,
        ),
    },
)

ApplicationSubmitRequest = inline_serializer(
    "ApplicationSubmit",
    {
        "form": serializers.IntegerField(help_text="Id of the published form version."),
        "data": serializers.DictField(
            help_text="Answers keyed as the form's JSON Schema. Files: an object "
            '{"filename", "content_type", "content_base64"} at the file field, or (multipart) '
            "a file part named by the field's path, e.g. G60000100/0/F60000305."
        ),
    },
)

IDEMPOTENCY_KEY_MAX_LENGTH = 200

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Repeating a request with the same key returns the first answer; the same key "
    "with a different body is refused (422). At most 200 printable ASCII characters; a longer "
    "key is refused (400), never cut.",
)


def _idempotency_key(request) -> str:
    """The client's key as sent (spaces around it trimmed); 400 when it is too long or holds
    characters a header value should not (RFC 8941 sf-string: printable ASCII)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    _("The Idempotency-Key may have at most %(count)d characters.")
                    % {"count": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    if any(not 0x20 <= ord(c) <= 0x7E for c in key):
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    _("The Idempotency-Key may hold printable ASCII characters only.")
                ]
            }
        )
    return key


@extend_schema(
    tags=["applications"],
    request=ApplicationSubmitRequest,
    parameters=[IDEMPOTENCY_HEADER],
    responses={
        201: ApplicationStatusResponse,
        422: OpenApiResponse(
            description="The Idempotency-Key was used before with a different request."
        ),
    },
)
class ApplicationSubmitView(MunicipalityAPIMixin, APIView):
    """Submit an application (the client confirms the declaration on the applicant's behalf)."""

    module = "services"
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]

    def post(self, request, municipality: str):
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send a JSON object with the fields form and data.")]}
            )
        key = _idempotency_key(request)
        form_id = request.data.get("form")
        data = request.data.get("data")
        if isinstance(data, str):  # multipart: the answers as a JSON part
            try:
                data = json.loads(data)
            except ValueError:
                raise exceptions.ValidationError({"data": [_("Invalid JSON.")]}) from None
        try:
            if isinstance(form_id, bool | float):
                raise TypeError
            form_id = int(form_id)
        except (TypeError, ValueError, OverflowError):
            raise exceptions.ValidationError({"form": [_("Give the id of a form.")]}) from None
        # Ids beyond the database's integers exist nowhere (and would overflow a query).
        version = form_version_published_get(pk=form_id) if 0 < form_id < 2**63 else None
        if version is None:
            raise exceptions.ValidationError(
                {"form": [_("There is no published form with this id.")]}
            )
        refused = self._trust_level_refusal(request, leika=version.form.leika)
        if refused is not None:
            return refused
        files = dict(request.FILES.items())
        body_hash = services.request_hash(form=form_id, data=data, files=files)
        try:
            status_code, body = services.application_submit_api(
                municipality=self.municipality,
                version=version,
                actor=request.user,
                data=data,
                files=files,
                idempotency_key=key,
                body_hash=body_hash,
                receipt_url_for=lambda a: request.build_absolute_uri(
                    f"{self.municipality.get_absolute_url()}antrag/{a.reference}/"
                    "eingangsbestaetigung.pdf"
                ),
            )
        except services.IdempotencyConflict:
            return ProblemResponse(
                status_code=422,
                title=_("Idempotency key reused"),
                type_="idempotency-key-reused",
                detail=_("This Idempotency-Key was used before with a different request."),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(body, status=status_code)

    @staticmethod
    def _trust_level_refusal(request, *, leika: str):
        """A service that requires a trust level takes applications only from a session that
        logged in through an identity provider with that level; an API token proves no
        identity, so token submissions are refused (ADR 0009)."""
        local = local_service_get(leika=leika)
        if local is None or not local.min_trust_level:
            return None
        by_session = isinstance(request.successful_authenticator, SessionAuthentication)
        if by_session and oidc.meets(oidc.session_trust_level(request), local.min_trust_level):
            return None
        return ProblemResponse(
            status_code=403,
            title=_("Proven identity needed"),
            type_="trust-level-required",
            detail=_(
                "This service needs a login with a proven identity (trust level %(level)s or "
                "higher). Apply in the browser after logging in through the identity provider; "
                "submissions with an API token are not accepted for it."
            )
            % {"level": TrustLevel(local.min_trust_level).label},
            extra={"min_trust_level": local.min_trust_level},
        )


@extend_schema(tags=["applications"], responses={200: ApplicationStatusResponse})
class ApplicationDetailView(MunicipalityAPIMixin, APIView):
    """The status of an application, for its applicant only (others get 404)."""

    module = "services"
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, municipality: str, reference: str):
        application = selectors.application_for(reference=reference, user=request.user, session={})
        if application is None:
            raise exceptions.NotFound(_("There is no such application."))
        return Response(selectors.application_status_dict(application))

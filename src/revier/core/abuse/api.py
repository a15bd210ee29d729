"""The API side of the proof of work: a challenge for clients, documented in the schema."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.core.abuse import altcha
from revier.core.abuse.policy import HEADER

PROOF_HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "ALTCHA proof of work: base64 of the JSON {algorithm, challenge, number, salt, "
        "signature} solving a challenge from GET /api/v1/altcha/challenge/ (find number in "
        "0..maxnumber with sha256(salt + number) == challenge). Each solution counts once. "
        "Required where the operation says so; may also be sent as the body field `altcha`."
    ),
)


class ChallengeView(APIView):
    """A fresh ALTCHA challenge (SHA-256, expires after an hour by default)."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        operation_id="altcha_challenge",
        summary="Proof-of-work challenge",
        description=(
            "A challenge in ALTCHA's format. Solve it and send the solution in the X-Altcha "
            "header of the operation that asks for a proof."
        ),
        responses=inline_serializer(
            "AltchaChallenge",
            {
                "algorithm": serializers.CharField(),
                "challenge": serializers.CharField(),
                "maxnumber": serializers.IntegerField(),
                "salt": serializers.CharField(),
                "signature": serializers.CharField(),
            },
        ),
    )
    def get(self, request):
        response = Response(altcha.create_challenge())
        response["Cache-Control"] = "no-store"
        return response

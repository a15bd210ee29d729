"""Serializers of the ``me`` API: the person's own applications and messages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from revier.applications.models import Application
from revier.cases.models import Message


class MeApplicationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(
        source="municipality.slug", help_text="Address (slug) of the municipality."
    )
    service = serializers.CharField(source="service_name")
    # A plain string: the same choices are already documented as ApplicationStatus.status,
    # and a second enum named "status" would collide with the case API's.
    status = serializers.CharField(
        help_text="Status of the application itself: " + ", ".join(Application.Status.values) + "."
    )
    case_status = serializers.CharField(
        allow_null=True,
        help_text="Key of the case's status once the office works on it in this platform.",
    )
    status_label = serializers.CharField(
        help_text="The case's status as the office names it, else the application's status."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "reference",
            "municipality",
            "leika",
            "service",
            "status",
            "case_status",
            "status_label",
            "submitted_at",
            "created_at",
            "links",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"html": {"type": "string", "format": "uri"}},
            "required": ["html"],
        }
    )
    def get_links(self, application) -> dict:
        return {"html": application.html_link}


class MeMessageSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="case.reference")
    municipality = serializers.CharField(source="municipality.slug")
    sent = serializers.DateTimeField(source="created_at")
    read = serializers.SerializerMethodField()
    answered_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "reference",
            "municipality",
            "subject",
            "body",
            "sent",
            "read",
            "requests_information",
            "answer_due",
            "answered_at",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, message) -> bool:
        return message.read_at is not None

from django.urls import get_script_prefix
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from revier.services.models import Office, Service, Themenfeld
from revier.services.selectors import service_search
from revier.tenancy.api_scope import MunicipalityAPIMixin
from revier.tenancy.models import municipality_absolute_url


class ServiceSerializer(serializers.ModelSerializer):
    urn = serializers.CharField(read_only=True)
    # Explicit: the model field's limits differ between SQLite and PostgreSQL, the schema not.
    processing_days = serializers.IntegerField(read_only=True, allow_null=True)
    life_situations = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "leika",
            "urn",
            "name",
            "short_text",
            "themenfeld",
            "life_situations",
            "addressee",
            "synonyms",
            "fees",
            "processing_time",
            "processing_days",
            "updated_at",
        ]


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["name", "street", "postcode", "city", "opening_hours", "phone", "email"]


class LocalServiceSerializer(ServiceSerializer):
    office = serializers.SerializerMethodField()
    online = serializers.SerializerMethodField()
    local_fees = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    apply_url = serializers.SerializerMethodField()
    authority = serializers.SerializerMethodField()
    authority_url = serializers.SerializerMethodField()

    class Meta(ServiceSerializer.Meta):
        fields = [
            *ServiceSerializer.Meta.fields,
            "office",
            "online",
            "apply_url",
            "authority",
            "authority_url",
            "local_fees",
            "notes",
        ]

    @extend_schema_field(OfficeSerializer(allow_null=True))
    def get_office(self, service):
        office = service.local.office
        if office is None:
            return None
        # One serializer per list, not per row: building a ModelSerializer's fields took about
        # 40 % of a page of 50 services (benchmarks/RESULTS.md, "Scale"). Most share an office.
        offices = self.context.setdefault("_office_data", {})
        if office.pk not in offices:
            serializer = self.context.get("_office_serializer")
            if serializer is None:
                serializer = self.context["_office_serializer"] = OfficeSerializer()
            offices[office.pk] = serializer.to_representation(office)
        return offices[office.pk]

    def get_online(self, service) -> bool:
        """True only where one can really apply online: a published form here or an online
        service elsewhere (ADR 0038)."""
        return service.local.available_online

    def get_apply_url(self, service) -> str:
        """Where to apply online: this site's form (absolute), the service elsewhere, or ""."""
        local = service.local
        if local.start_url:
            if not hasattr(self, "_base"):  # once per list: the domain is looked up once
                self._base = self._site_base()
            return self._base + "/" + local.start_url[len(get_script_prefix()) :]
        return local.online_url

    def _site_base(self) -> str:
        """The municipality's site: its primary domain, else the host the request came in on
        with ``/<slug>`` (never a configured default port when a request is at hand)."""
        municipality = self.context["view"].municipality
        request = self.context.get("request")
        if request is None or any(d.is_primary for d in municipality.domains.all()):
            return municipality_absolute_url(municipality, "/").rstrip("/")
        return request.build_absolute_uri(municipality.get_absolute_url()).rstrip("/")

    def get_authority(self, service) -> str:
        """The responsible authority when it is not the municipality ("" otherwise)."""
        return service.local.authority

    def get_authority_url(self, service) -> str:
        return service.local.authority_url

    def get_local_fees(self, service) -> str:
        return service.local.local_fees

    def get_notes(self, service) -> str:
        return service.local.notes


SEARCH_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search text (German)."),
    OpenApiParameter(
        "themenfeld", OpenApiTypes.STR, enum=Themenfeld.values, description="OZG Themenfeld."
    ),
    OpenApiParameter(
        "lebenslage", OpenApiTypes.STR, description="Slug of a Lebenslage/Unternehmenslage."
    ),
]


class _SearchMixin:
    def search_arguments(self) -> dict:
        params = self.request.query_params
        themenfeld = params.get("themenfeld") or None
        if themenfeld and themenfeld not in Themenfeld.values:
            raise ValidationError({"themenfeld": ["Unknown Themenfeld."]})
        q = params.get("q", "")
        if len(q) > 200:
            raise ValidationError({"q": ["At most 200 characters."]})
        return {"q": q, "themenfeld": themenfeld, "lebenslage": params.get("lebenslage") or None}


@extend_schema_view(get=extend_schema(operation_id="services_search"))
@extend_schema(tags=["services"], parameters=SEARCH_PARAMETERS)
class ServiceSearchView(_SearchMixin, generics.ListAPIView):
    """Search the federal service catalogue (LeiKa). Best matches first; without `q` the
    catalogue in alphabetical order."""

    serializer_class = ServiceSerializer

    def get_queryset(self):
        return service_search(**self.search_arguments())


@extend_schema_view(get=extend_schema(operation_id="municipality_services_list"))
@extend_schema(tags=["services"], parameters=SEARCH_PARAMETERS)
class MunicipalityServiceListView(_SearchMixin, MunicipalityAPIMixin, generics.ListAPIView):
    """The services a municipality offers, with the responsible office and whether they can be
    applied for online there."""

    module = "services"
    serializer_class = LocalServiceSerializer

    def get_queryset(self):
        return service_search(**self.search_arguments(), municipality=self.municipality)

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from revier.tenancy import selectors
from revier.tenancy.models import Municipality
from revier.tenancy.selectors import municipality_list


class MunicipalitySerializer(serializers.ModelSerializer):
    land = serializers.CharField(read_only=True)
    enabled_modules = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = [
            "slug",
            "name",
            "official_name",
            "ags",
            "ars",
            "land",
            "kreis",
            "enabled_modules",
            "url",
        ]

    def get_url(self, obj: Municipality) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


@extend_schema(
    tags=["municipalities"],
    parameters=[
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            description="Part of the name, or the start of the AGS or postcode (at most 100 "
            "characters).",
        ),
        OpenApiParameter(
            "land",
            OpenApiTypes.STR,
            pattern=r"^\d{2}$",
            description="Land: the AGS's first 2 digits.",
        ),
        OpenApiParameter(
            "kreis",
            OpenApiTypes.STR,
            pattern=r"^\d{5}$",
            description="Kreis: the AGS's first 5 digits.",
        ),
    ],
)
class MunicipalityListView(generics.ListAPIView):
    """The active municipalities of this installation by name, a page at a time; filtered by a
    search, a Land or a Kreis."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self):
        params = self.request.query_params
        q, land, kreis = params.get("q", ""), params.get("land", ""), params.get("kreis", "")
        errors = {}
        if len(q) > selectors.SEARCH_MAX_LENGTH:
            errors["q"] = ["At most 100 characters."]
        if land and not selectors.is_land_key(land):
            errors["land"] = ["A Land key has 2 digits, 01 to 16."]
        if kreis and not selectors.is_kreis_key(kreis):
            errors["kreis"] = ["A Kreis key has 5 digits, starting with a Land key."]
        if errors:
            raise ValidationError(errors)
        return selectors.municipality_search(q=q, land=land, kreis=kreis)


@extend_schema(tags=["municipalities"])
class MunicipalityDetailView(generics.RetrieveAPIView):
    """One active municipality, by its address (slug)."""

    serializer_class = MunicipalitySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return municipality_list()

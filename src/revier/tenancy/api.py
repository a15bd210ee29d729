from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

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


@extend_schema(tags=["municipalities"])
class MunicipalityListView(generics.ListAPIView):
    """All active municipalities of this installation."""

    serializer_class = MunicipalitySerializer
    pagination_class = None

    def get_queryset(self):
        return municipality_list()


@extend_schema(tags=["municipalities"])
class MunicipalityDetailView(generics.RetrieveAPIView):
    """One active municipality, by its address (slug)."""

    serializer_class = MunicipalitySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return municipality_list()

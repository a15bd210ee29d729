from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from revier.news.models import NewsItem
from revier.news.selectors import news_published
from revier.tenancy.api_scope import MunicipalityAPIMixin


class NewsItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NewsItem
        fields = ["slug", "title", "summary", "body", "published_at"]


@extend_schema(tags=["news"])
class NewsListView(MunicipalityAPIMixin, generics.ListAPIView):
    """Published news of a municipality."""

    module = "news"
    serializer_class = NewsItemSerializer

    def get_queryset(self):
        return news_published()


@extend_schema(tags=["news"])
class NewsDetailView(MunicipalityAPIMixin, generics.RetrieveAPIView):
    """One published news item of a municipality."""

    module = "news"
    serializer_class = NewsItemSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return news_published()

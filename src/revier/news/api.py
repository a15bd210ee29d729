from rest_framework import generics, serializers

from revier.core.api import MunicipalityAPIMixin
from revier.news.models import NewsItem
from revier.news.selectors import news_published


class NewsItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NewsItem
        fields = ["slug", "title", "summary", "body", "published_at"]


class NewsListView(MunicipalityAPIMixin, generics.ListAPIView):
    """Published news of a municipality."""

    module = "news"
    serializer_class = NewsItemSerializer

    def get_queryset(self):
        return news_published()


class NewsDetailView(MunicipalityAPIMixin, generics.RetrieveAPIView):
    module = "news"
    serializer_class = NewsItemSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return news_published()

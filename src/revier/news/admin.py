from django.contrib import admin

from revier.news.models import NewsItem
from revier.tenancy.admin import TenantOwnedAdmin


@admin.register(NewsItem)
class NewsItemAdmin(TenantOwnedAdmin):
    list_display = ["title", "municipality", "published_at", "publish_at"]
    search_fields = ["title"]

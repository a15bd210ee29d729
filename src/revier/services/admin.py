from django.contrib import admin

from revier.services.models import LifeSituation, LocalService, Office, Service
from revier.tenancy.admin import TenantOwnedAdmin


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    # Read-only for operators: the catalogue is written by `revier import-services`, which keeps
    # the search index in step.
    list_display = ["leika", "name", "themenfeld", "addressee", "updated_at"]
    list_filter = ["themenfeld", "addressee"]
    search_fields = ["leika", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LifeSituation)
class LifeSituationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]


@admin.register(Office)
class OfficeAdmin(TenantOwnedAdmin):
    list_display = ["name", "municipality", "email"]
    search_fields = ["name"]


@admin.register(LocalService)
class LocalServiceAdmin(TenantOwnedAdmin):
    list_display = ["service", "municipality", "office", "online", "active"]
    list_filter = ["municipality", "online", "active"]

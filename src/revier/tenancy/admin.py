from django.contrib import admin

from revier.tenancy import cache as tenancy_cache
from revier.tenancy.models import Domain, Municipality


class TenantOwnedAdmin(admin.ModelAdmin):
    """Operators see tenant data of all municipalities; the municipality is shown, not edited."""

    list_filter = ["municipality"]

    def get_readonly_fields(self, request, obj=None):
        return ["municipality", *super().get_readonly_fields(request, obj)]


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ags", "ars", "kreis", "is_active"]
    search_fields = ["name", "slug", "ags", "ars"]
    list_filter = ["is_active"]
    inlines = [DomainInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        tenancy_cache.invalidate(form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tenancy_cache.drop(obj.pk)

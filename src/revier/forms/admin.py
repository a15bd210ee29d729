from django.contrib import admin

from revier.forms.models import Form, FormVersion
from revier.tenancy.admin import TenantOwnedAdmin


@admin.register(Form)
class FormAdmin(TenantOwnedAdmin):
    list_display = ["title", "leika", "municipality"]
    search_fields = ["title", "leika"]


@admin.register(FormVersion)
class FormVersionAdmin(TenantOwnedAdmin):
    list_display = ["title", "number", "status", "source", "schema_id", "municipality"]
    list_filter = ["municipality", "status", "source"]
    search_fields = ["title", "schema_id", "form__leika"]
    readonly_fields = ["form", "report", "source_sha256", "imported_at"]

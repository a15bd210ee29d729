from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.tenancy.admin import TenantOwnedAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "preferred_language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(StaffRole)
class StaffRoleAdmin(TenantOwnedAdmin):
    list_display = ["user", "role", "municipality"]
    list_filter = ["municipality", "role"]

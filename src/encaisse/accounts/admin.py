from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "region"]
    search_fields = ["code", "name", "city"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "agency"]
    list_filter = ["role", "agency", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Encaisse"), {"fields": ("role", "phone", "agency", "manager", "managed_agencies")}),
        (_("Preferences"), {"fields": ("language", "notification_delivery")}),
    )

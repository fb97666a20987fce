"""The administrator's view of customers and their contacts (finance works on the customer
page; the admin is for the IT person fixing data)."""

from django.contrib import admin

from encaisse.ledger.models import Contact, Customer, CustomerChange


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "job_title", "email", "phone", "is_primary"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "name",
        "entity",
        "segment",
        "sales_rep",
        "agency",
        "payment_terms_days",
        "credit_limit",
    ]
    list_filter = ["entity", "segment", "agency"]
    search_fields = ["external_id", "name", "siren", "siret", "vat_number"]
    list_select_related = ["entity", "sales_rep", "agency"]
    raw_id_fields = ["sales_rep"]
    # Blocking goes through risk.blocking (history, webhook, notifications), never here.
    readonly_fields = ["blocked_since", "blocked_reason"]
    inlines = [ContactInline]


@admin.register(CustomerChange)
class CustomerChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "customer", "field", "before", "after", "changed_by"]
    list_select_related = ["customer", "changed_by"]
    search_fields = ["customer__name", "customer__external_id"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

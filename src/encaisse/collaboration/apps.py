from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "encaisse.collaboration"
    label = "collaboration"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from encaisse.accounts.permissions import can_open_disputes
        from encaisse.collaboration.views_disputes import customer_disputes_panel
        from encaisse.collaboration.views_notes import customer_notes_panel
        from encaisse.collaboration.views_promises import customer_promises_panel
        from encaisse.collaboration.views_terms import customer_terms_panel
        from encaisse.core.panels import (
            InvoiceAction,
            register_customer_panel,
            register_invoice_action,
        )

        register_customer_panel(customer_promises_panel, order=15)
        register_customer_panel(customer_disputes_panel, order=18)
        register_customer_panel(customer_notes_panel, order=20)
        register_customer_panel(customer_terms_panel, order=25)
        register_invoice_action(
            InvoiceAction(
                label=pgettext_lazy("invoice action", "Dispute"),
                url_name="dispute-new",
                allowed=can_open_disputes,
            )
        )

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.apps import AppConfig


def _on_invoices_paid(sender: object, *, allocated: Mapping[int, Decimal], **_: object) -> None:
    from encaisse.collaboration.payment_notices import tell_reps_their_customers_paid

    tell_reps_their_customers_paid(allocated=allocated)


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
        from encaisse.ledger.signals import invoices_paid

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
        # The reps hear of their customers' payments, whoever lettered them (imports,
        # banking: apps collaboration may not call).
        invoices_paid.connect(_on_invoices_paid, dispatch_uid="collaboration-tells-reps-paid")

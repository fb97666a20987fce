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

        from encaisse.accounts.permissions import (
            can_act_on_customers,
            can_open_disputes,
            can_record_terms,
            can_write_notes,
        )
        from encaisse.collaboration.views_disputes import customer_disputes_panel
        from encaisse.collaboration.views_notes import customer_notes_panel
        from encaisse.collaboration.views_promises import customer_promises_panel
        from encaisse.collaboration.views_terms import customer_terms_panel
        from encaisse.core.panels import (
            CustomerAction,
            InvoiceAction,
            register_customer_action,
            register_customer_panel,
            register_invoice_action,
        )
        from encaisse.ledger.signals import invoices_paid

        register_customer_panel(customer_promises_panel, order=15)
        register_customer_panel(customer_disputes_panel, order=18)
        register_customer_panel(customer_notes_panel, order=20)
        register_customer_panel(customer_terms_panel, order=25)
        for label, url_name, allowed in (
            (
                pgettext_lazy("invoice action", "Promise"),
                "customer-promise-new",
                can_act_on_customers,
            ),
            (pgettext_lazy("invoice action", "Dispute"), "dispute-new", can_open_disputes),
            (pgettext_lazy("invoice action", "Terms"), "terms-new", can_record_terms),
        ):
            register_invoice_action(InvoiceAction(label=label, url_name=url_name, allowed=allowed))
        for action in (
            CustomerAction(
                label=pgettext_lazy("customer action", "Note"),
                anchor="notes",
                allowed=can_write_notes,
                order=10,
            ),
            CustomerAction(
                label=pgettext_lazy("customer action", "Promise to pay"),
                url_name="customer-promise-new",
                allowed=can_act_on_customers,
                order=20,
            ),
            CustomerAction(
                label=pgettext_lazy("customer action", "Call"),
                url_name="customer-call-new",
                allowed=can_act_on_customers,
                order=30,
            ),
            CustomerAction(
                label=pgettext_lazy("customer action", "Dispute"),
                url_name="dispute-new",
                allowed=can_open_disputes,
                order=40,
            ),
            CustomerAction(
                label=pgettext_lazy("customer action", "Special terms"),
                url_name="terms-new",
                allowed=can_record_terms,
                order=60,
            ),
        ):
            register_customer_action(action)
        # The reps hear of their customers' payments, whoever lettered them (imports,
        # banking: apps collaboration may not call).
        invoices_paid.connect(_on_invoices_paid, dispatch_uid="collaboration-tells-reps-paid")

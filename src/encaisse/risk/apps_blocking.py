"""What blocking adds to the customer page: its panel, the "Block" action, its timeline."""

from __future__ import annotations


def register_blocking() -> None:
    from django.utils.translation import pgettext_lazy

    from encaisse.accounts.permissions import can_block_customers
    from encaisse.core.panels import (
        CustomerAction,
        register_customer_action,
        register_customer_panel,
    )
    from encaisse.core.timeline import register_timeline_source
    from encaisse.risk.timeline_blocking import LABELS, blocking_events
    from encaisse.risk.views_blocking import customer_blocking_panel

    register_customer_panel(customer_blocking_panel, order=5)
    register_customer_action(
        CustomerAction(
            label=pgettext_lazy("customer action", "Blocking"),
            anchor="blocking",
            allowed=can_block_customers,
            order=90,
        )
    )
    register_timeline_source(blocking_events, labels=LABELS)

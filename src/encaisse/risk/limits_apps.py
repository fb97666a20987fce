"""What credit limits add to the pages of lower apps (the customer page's panel, action
and timeline) and what they listen to (payments lettered), registered at start."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

BATCH = 500


def _on_invoices_paid(sender: object, *, allocated: Mapping[int, Decimal], **_: object) -> None:
    """Payments lower the exposure: the customers paid are checked again at once (a crossing
    that ended is re-armed), by batches (a statement may pay thousands of invoices)."""
    from encaisse.core.dates import today
    from encaisse.ledger.models import Customer, Invoice
    from encaisse.risk.limit_alerts import alert_limit_crossings

    invoice_ids = sorted(allocated)
    customer_ids: set[int] = set()
    for start in range(0, len(invoice_ids), BATCH):
        customer_ids |= set(
            Invoice.objects.filter(pk__in=invoice_ids[start : start + BATCH]).values_list(
                "customer_id", flat=True
            )
        )
    paid = sorted(customer_ids)
    for start in range(0, len(paid), BATCH):
        alert_limit_crossings(
            as_of=today(), customers=Customer.objects.filter(pk__in=paid[start : start + BATCH])
        )


def _on_invoices_recorded(sender: object, **_: object) -> None:
    """An import added invoices: every customer's limits are checked again in the background
    once it commits (one set-based run, however big the import)."""
    from encaisse.core.dates import today
    from encaisse.core.jobs import enqueue

    enqueue("encaisse.risk.tasks_limits.alert_limit_crossings_task", as_of=today().isoformat())


def register_limits() -> None:
    from django.utils.translation import pgettext_lazy

    from encaisse.accounts.permissions import can_request_limit
    from encaisse.core.panels import (
        CustomerAction,
        register_customer_action,
        register_customer_panel,
    )
    from encaisse.core.timeline import register_timeline_source
    from encaisse.ledger.signals import invoices_paid, invoices_recorded
    from encaisse.risk.limits_timeline import LABELS, limit_events
    from encaisse.risk.views_limits import customer_limits_panel

    register_customer_panel(customer_limits_panel, order=5)
    register_customer_action(
        CustomerAction(
            label=pgettext_lazy("customer action", "Ask for a limit"),
            url_name="risk-limit-request",
            allowed=can_request_limit,
            order=70,
        )
    )
    register_timeline_source(limit_events, labels=LABELS)
    invoices_paid.connect(_on_invoices_paid, dispatch_uid="risk-checks-limits-when-paid")
    invoices_recorded.connect(_on_invoices_recorded, dispatch_uid="risk-checks-limits-invoiced")

"""What people learn about a customer that pauses its dunning: disputes (litiges) on some of
its invoices (promises to pay are in ``collaboration.promises``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from encaisse.accounts.models import User
from encaisse.collaboration.models import (
    Dispute,
    DisputeReason,
)
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer, Invoice


def check_invoices_of(customer: Customer, invoices: Sequence[Invoice]) -> None:
    if not invoices:
        raise BadInput("invoices: choose at least one invoice")
    foreign = [invoice.number for invoice in invoices if invoice.customer_id != customer.pk]
    if foreign:
        raise BadInput(f"invoices: {', '.join(foreign)} belong to another customer")


@transaction.atomic
def open_dispute(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    reason: DisputeReason | str,
    opened_on: dt.date,
    opened_by: User | None = None,
    note: str = "",
) -> Dispute:
    """Record a dispute; the next dunning run pauses those invoices."""
    check_invoices_of(customer, invoices)
    if reason not in DisputeReason.values:
        raise BadInput(f"reason: {reason!r} is not a dispute reason")
    dispute = Dispute.objects.create(
        customer=customer, reason=reason, note=note, opened_by=opened_by, opened_on=opened_on
    )
    dispute.invoices.set(invoices)
    return dispute


@transaction.atomic
def resolve_dispute(*, dispute: Dispute, resolved_on: dt.date) -> Dispute:
    dispute.resolved_on = resolved_on
    dispute.save(update_fields=["resolved_on"])
    return dispute


# --- Tasks -------------------------------------------------------------------------------

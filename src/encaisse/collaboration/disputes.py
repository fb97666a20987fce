"""What people learn about a customer that pauses its dunning: disputes (litiges) on some of
its invoices, and promises to pay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from encaisse.accounts.models import User
from encaisse.collaboration.models import PromiseToPay

# Disputes have their own module (services_disputes); open_dispute is named here too.
from encaisse.collaboration.services_disputes import open_dispute
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer, Invoice

__all__ = ["check_invoices_of", "open_dispute", "record_promise"]


def check_invoices_of(customer: Customer, invoices: Sequence[Invoice]) -> None:
    if not invoices:
        raise BadInput("invoices: choose at least one invoice")
    foreign = [invoice.number for invoice in invoices if invoice.customer_id != customer.pk]
    if foreign:
        raise BadInput(f"invoices: {', '.join(foreign)} belong to another customer")


@transaction.atomic
def record_promise(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    promised_for: dt.date,
    recorded_on: dt.date,
    amount: Decimal | None = None,
    recorded_by: User | None = None,
    note: str = "",
) -> PromiseToPay:
    """Record a promise to pay; dunning on those invoices waits until the promised date."""
    check_invoices_of(customer, invoices)
    if promised_for < recorded_on:
        raise BadInput(f"promised_for: {promised_for.isoformat()} is already past")
    if amount is not None and amount <= 0:
        raise BadInput(f"amount: {amount} must be positive")
    promise = PromiseToPay.objects.create(
        customer=customer,
        promised_for=promised_for,
        amount=amount,
        recorded_by=recorded_by,
        recorded_on=recorded_on,
        note=note,
    )
    promise.invoices.set(invoices)
    return promise


# --- Tasks -------------------------------------------------------------------------------

"""The one check of invoices named with a customer (tasks, disputes); disputes themselves are
in ``services_disputes`` (open_dispute is named here too), promises in ``promises``."""

from __future__ import annotations

from collections.abc import Sequence

from encaisse.collaboration.services_disputes import open_dispute
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer, Invoice

__all__ = ["check_invoices_of", "open_dispute"]


def check_invoices_of(customer: Customer, invoices: Sequence[Invoice]) -> None:
    if not invoices:
        raise BadInput("invoices: choose at least one invoice")
    foreign = [invoice.number for invoice in invoices if invoice.customer_id != customer.pk]
    if foreign:
        raise BadInput(f"invoices: {', '.join(foreign)} belong to another customer")

"""A small ledger for the score's tests: invoices paid on a chosen day, through the ledger's
own service (as an import or a bank statement letters them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory

AS_OF = dt.date(2026, 11, 30)


def invoice(customer: Customer, *, due: dt.date, amount: str = "1000.00") -> Invoice:
    return InvoiceFactory(
        customer=customer, issue_date=due - dt.timedelta(days=30), due_date=due,
        amount=Decimal(amount),
    )  # fmt: skip


def paid(
    customer: Customer, *, due: dt.date, on: dt.date, amount: str = "1000.00", part: str = ""
) -> Invoice:
    """An invoice due ``due``, paid (``part`` of it, or all) on ``on``."""
    item = invoice(customer, due=due, amount=amount)
    pay(item, on=on, amount=part or amount)
    return item


def pay(item: Invoice, *, on: dt.date, amount: str) -> None:
    payment = PaymentFactory(customer=item.customer, date=on, amount=Decimal(amount))
    allocate(invoice=item, payment=payment, amount=Decimal(amount), on=on)


def days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)

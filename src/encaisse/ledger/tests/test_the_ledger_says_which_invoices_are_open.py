"""The ledger's vocabulary, one definition each: open, open on a day, receivable, overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.ledger.models import Invoice, InvoiceKind, Payment
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory


def test_open_receivable_and_overdue_say_what_finance_means(entity):
    customer = CustomerFactory(entity=entity)
    due = dt.date(2026, 3, 1)
    late = InvoiceFactory(customer=customer, number="LATE", due_date=due)
    InvoiceFactory(customer=customer, number="SOON", due_date=dt.date(2026, 4, 1))
    paid = InvoiceFactory(customer=customer, number="PAID", due_date=due, amount=Decimal(100))
    InvoiceFactory(
        customer=customer, number="AV", kind=InvoiceKind.CREDIT_NOTE, amount=Decimal(-50)
    )
    payment = PaymentFactory(customer=customer, amount=Decimal(100), date=dt.date(2026, 3, 10))
    allocate(invoice=paid, payment=payment, amount=Decimal(100))

    def numbers(queryset):
        return sorted(queryset.values_list("number", flat=True))

    assert numbers(Invoice.objects.open()) == ["AV", "LATE", "SOON"]
    assert numbers(Invoice.objects.open_on(dt.date(2026, 3, 5))) == ["AV", "LATE", "PAID", "SOON"]
    assert numbers(Invoice.objects.receivable()) == ["LATE", "SOON"]
    assert numbers(Invoice.objects.overdue(dt.date(2026, 3, 15))) == ["LATE"]
    assert numbers(customer.invoices.overdue(dt.date(2026, 3, 15))) == [late.number]
    assert not Payment.objects.open().exists()
    assert Payment.objects.open_on(dt.date(2026, 3, 5)).exists()

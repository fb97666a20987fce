"""The aged balance as of any date: a returned payment counts as paid before its return
and as unpaid from the return's date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.ledger.models import Customer
from encaisse.ledger.services import allocate, record_payment_return
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory
from encaisse.reporting.selectors import aged_balance


def test_a_returned_payment_is_paid_until_its_return(entity):
    customer = CustomerFactory(entity=entity)
    invoice = InvoiceFactory(
        customer=customer, amount=Decimal("1000.00"), due_date=dt.date(2026, 2, 1)
    )
    payment = PaymentFactory(
        customer=customer, amount=Decimal("1000.00"), date=dt.date(2026, 2, 10)
    )
    allocate(invoice=invoice, payment=payment, amount=Decimal("1000.00"))
    record_payment_return(payment=payment, returned_on=dt.date(2026, 3, 5), reference="RET-1")
    customers = Customer.objects.filter(pk=customer.pk)
    paid = aged_balance(customers, as_of=dt.date(2026, 3, 1), by="customer")
    returned = aged_balance(customers, as_of=dt.date(2026, 3, 6), by="total").totals[0]
    assert paid.rows == []  # paid on that day: no row of zeros either
    assert sum((row.total for row in paid.totals), Decimal(0)) == 0
    assert (returned.total, returned.unallocated) == (Decimal("1000.00"), Decimal("0.00"))
    assert returned.buckets["31_60"] == Decimal("1000.00")  # due 1 February: 33 days late

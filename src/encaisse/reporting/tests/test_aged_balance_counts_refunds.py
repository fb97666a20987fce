"""The aged balance counts a refund (money paid back to the customer) from its date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.ledger.models import Customer, Invoice, InvoiceKind
from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory
from encaisse.reporting.selectors import aged_balance


def test_the_aged_balance_counts_a_refund_from_its_date(portfolios):
    """The customer had a 200 credit note (we owed it 200); paid back on 15 February, the
    debt is gone from that day, not before."""
    customer = portfolios["remi1"]
    InvoiceFactory(
        customer=customer,
        number="AV-1",
        kind=InvoiceKind.CREDIT_NOTE,
        amount=Decimal("-200.00"),
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 2, 1),
    )
    Invoice.objects.filter(number="F-remi-1").delete()  # only the credit note is left
    customers = Customer.objects.filter(pk=customer.pk)
    PaymentFactory(customer=customer, amount=Decimal("-200.00"), date=dt.date(2026, 2, 15))
    before = aged_balance(customers, as_of=dt.date(2026, 2, 14), by="total")
    after = aged_balance(customers, as_of=dt.date(2026, 2, 16), by="total")
    assert before.totals[0].total == Decimal("-200.00")
    assert after.totals[0].total == Decimal("0.00")
    assert after.totals[0].unallocated == Decimal("-200.00")  # a refund not lettered yet

"""allocate(): a refund (negative payment) settles a credit note, never an invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.errors import BadInput
from encaisse.ledger.models import InvoiceKind
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory


@pytest.fixture
def customer(entity):
    return CustomerFactory(entity=entity)


def test_a_refund_settles_a_credit_note(customer):
    note = InvoiceFactory(
        customer=customer, kind=InvoiceKind.CREDIT_NOTE, amount=Decimal("-300.00")
    )
    refund = PaymentFactory(customer=customer, amount=Decimal("-300.00"), date=dt.date(2026, 3, 1))
    allocation = allocate(invoice=note, payment=refund, amount=Decimal("120.00"))
    assert allocation.amount == Decimal("-120.00")
    note.refresh_from_db()
    refund.refresh_from_db()
    assert note.open_amount == Decimal("-180.00")
    assert refund.unallocated_amount == Decimal("-180.00")
    allocate(invoice=note, payment=refund, amount=Decimal("180.00"))
    note.refresh_from_db()
    assert (note.open_amount, note.settled_on) == (Decimal("0.00"), dt.date(2026, 3, 1))


def test_a_refund_cannot_settle_an_invoice_nor_more_than_the_credit_note(customer):
    invoice = InvoiceFactory(customer=customer, amount=Decimal("100.00"))
    note = InvoiceFactory(customer=customer, kind=InvoiceKind.CREDIT_NOTE, amount=Decimal("-50"))
    refund = PaymentFactory(customer=customer, amount=Decimal("-80.00"))
    with pytest.raises(BadInput, match="a refund settles a credit note"):
        allocate(invoice=invoice, payment=refund, amount=Decimal("10"))
    with pytest.raises(BadInput, match=r"exceeds the open amount 50\.00"):
        allocate(invoice=note, payment=refund, amount=Decimal("60"))
    payment = PaymentFactory(customer=customer, amount=Decimal("50.00"))
    with pytest.raises(BadInput, match="is a credit note, not an invoice"):
        allocate(invoice=note, payment=payment, amount=Decimal("10"))

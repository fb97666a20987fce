"""The open amount of an invoice and the unallocated part of a payment follow the lettrage."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.errors import BadInput
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import (
    CreditNoteFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)


@pytest.fixture
def customer(entity):
    return CustomerFactory(entity=entity)


def test_cents_add_up_to_exactly_zero_and_the_invoice_is_settled(customer):
    invoice = InvoiceFactory(customer=customer, amount=Decimal("1000.00"))
    first = PaymentFactory(customer=customer, amount=Decimal("999.99"), date=dt.date(2026, 2, 1))
    second = PaymentFactory(customer=customer, amount=Decimal("0.01"), date=dt.date(2026, 2, 9))
    allocate(invoice=invoice, payment=first, amount=Decimal("999.99"))
    allocate(invoice=invoice, payment=second, amount=Decimal("0.01"))
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("0.00")
    assert invoice.settled_on == dt.date(2026, 2, 9)
    second.refresh_from_db()
    assert second.unallocated_amount == Decimal("0.00")
    assert second.settled_on == dt.date(2026, 2, 9)


def test_a_credit_note_settles_part_of_an_invoice(customer):
    invoice = InvoiceFactory(customer=customer, amount=Decimal("300.00"))
    credit = CreditNoteFactory(customer=customer, amount=Decimal("-100.00"))
    allocate(invoice=invoice, credit_note=credit, amount=Decimal("100.00"))
    invoice.refresh_from_db()
    credit.refresh_from_db()
    assert invoice.open_amount == Decimal("200.00")
    assert credit.open_amount == Decimal("0.00")
    assert credit.settled_on is not None


@pytest.mark.parametrize(
    ("amount", "message"),
    [(Decimal("0"), "positive"), (Decimal("600.00"), "exceeds the unallocated")],
)
def test_an_allocation_cannot_exceed_what_is_there(customer, amount, message):
    invoice = InvoiceFactory(customer=customer, amount=Decimal("1000.00"))
    payment = PaymentFactory(customer=customer, amount=Decimal("500.00"))
    with pytest.raises(BadInput, match=message):
        allocate(invoice=invoice, payment=payment, amount=amount)


def test_an_allocation_stays_within_one_customer_and_currency(customer, entity):
    invoice = InvoiceFactory(customer=customer)
    other = PaymentFactory(customer=CustomerFactory(entity=entity))
    with pytest.raises(BadInput, match="different customers"):
        allocate(invoice=invoice, payment=other, amount=Decimal("10"))
    chf = PaymentFactory(customer=customer, currency="CHF")
    with pytest.raises(BadInput, match="currencies differ"):
        allocate(invoice=invoice, payment=chf, amount=Decimal("10"))

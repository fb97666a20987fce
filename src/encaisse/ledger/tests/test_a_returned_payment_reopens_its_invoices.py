"""A payment the bank took back (impayé) opens its invoices again from the return's date,
once, whatever the number of times the statement is imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.errors import BadInput
from encaisse.ledger.models import Invoice, Payment
from encaisse.ledger.services import allocate, record_payment_return
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory
from encaisse.ledger.vocabulary import return_reason_label


@pytest.fixture
def paid(entity):
    customer = CustomerFactory(entity=entity)
    invoice = InvoiceFactory(
        customer=customer,
        number="F-1",
        amount=Decimal("1000.00"),
        issue_date=dt.date(2026, 1, 2),
        due_date=dt.date(2026, 2, 1),
    )
    payment = PaymentFactory(
        customer=customer, reference="VIR-1", amount=Decimal("1000.00"), date=dt.date(2026, 2, 10)
    )
    allocate(invoice=invoice, payment=payment, amount=Decimal("1000.00"))
    invoice.refresh_from_db()
    assert invoice.settled_on == dt.date(2026, 2, 10)
    return invoice, payment


def test_a_returned_payment_opens_its_invoice_again_with_its_due_date(paid):
    invoice, payment = paid
    back = record_payment_return(
        payment=payment, returned_on=dt.date(2026, 3, 5), reference="RET-1", reason="ac04"
    )
    invoice.refresh_from_db()
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("1000.00"), None)
    assert invoice.due_date == dt.date(2026, 2, 1)
    assert (back.amount, back.returns, back.return_reason) == (Decimal("-1000.00"), payment, "AC04")
    back.refresh_from_db()
    payment.refresh_from_db()
    assert back.unallocated_amount == Decimal("0.00")
    assert payment.unallocated_amount == Decimal("0.00")
    assert back.is_return
    assert not back.is_refund


def test_the_same_return_twice_changes_nothing(paid):
    _invoice, payment = paid
    first = record_payment_return(payment=payment, returned_on=dt.date(2026, 3, 5), reference="R")
    again = record_payment_return(payment=payment, returned_on=dt.date(2026, 3, 5), reference="R")
    assert first == again
    assert Payment.objects.count() == 2
    assert Invoice.objects.get().open_amount == Decimal("1000.00")
    with pytest.raises(BadInput, match="already returned"):
        record_payment_return(payment=payment, returned_on=dt.date(2026, 3, 6), reference="R2")


def test_a_return_before_the_payment_or_of_a_refund_is_refused(paid):
    _invoice, payment = paid
    with pytest.raises(BadInput, match="cannot be returned on 2026-02-01"):
        record_payment_return(payment=payment, returned_on=dt.date(2026, 2, 1), reference="R")
    refund = PaymentFactory(customer=payment.customer, amount=Decimal("-10"))
    with pytest.raises(BadInput, match="is not money received"):
        record_payment_return(payment=refund, returned_on=dt.date(2026, 3, 1), reference="R")
    assert Invoice.objects.get().open_amount == Decimal("0.00")


def test_a_return_reason_reads_in_words():
    assert return_reason_label("AC04") == "AC04 closed account"
    assert return_reason_label("AM04") == "AM04 insufficient funds"
    assert return_reason_label("MD06") == "MD06 refund requested by the customer"
    assert return_reason_label("ZZ99") == "ZZ99"

"""A promise to pay is recorded on the customer's open invoices; a date already past, an
amount that is not positive or above what is open, a paid invoice, a credit note or another
customer's invoice is refused with a message naming the field, and nothing is recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import PromiseStatus, PromiseToPay
from encaisse.collaboration.promises import record_promise
from encaisse.collaboration.services import record_promise as record_promise_from_services
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Invoice
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import CreditNoteFactory, InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def promise(customer, invoices, *, promised_for=TODAY + dt.timedelta(days=10), amount=None, **kw):
    return record_promise(
        customer=customer,
        invoices=invoices,
        promised_for=promised_for,
        recorded_on=TODAY,
        amount=amount,
        **kw,
    )


def test_a_promise_is_recorded_pending_on_the_chosen_invoices(remis_customer, rep_remi):
    invoices = list(remis_customer.invoices.all())
    recorded = promise(
        remis_customer, invoices, amount=Decimal("1500.00"), recorded_by=rep_remi, note=" Friday "
    )
    recorded.refresh_from_db()
    assert recorded.status == PromiseStatus.PENDING
    assert recorded.amount == Decimal("1500.00")
    assert recorded.recorded_by == rep_remi
    assert recorded.note == "Friday"
    assert set(recorded.invoices.all()) == set(invoices)
    assert record_promise_from_services is record_promise  # its callers keep working


def test_the_whole_open_amount_may_be_promised(remis_customer):
    invoices = list(remis_customer.invoices.all())
    total = sum(invoice.open_amount for invoice in invoices)
    assert promise(remis_customer, invoices, amount=total).amount == total


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"promised_for": TODAY - dt.timedelta(days=1)}, "promised_for"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("2000.01")}, "amount"),  # 2 000 € open on the two invoices
    ],
)
def test_a_date_past_or_an_amount_out_of_bounds_is_refused(remis_customer, kwargs, field):
    with pytest.raises(BadInput, match=rf"^{field}: "):
        promise(remis_customer, list(remis_customer.invoices.all()), **kwargs)
    assert not PromiseToPay.objects.exists()


def test_an_amount_above_what_is_open_says_how_much_is_open(remis_customer):
    with pytest.raises(BadInput) as refused:
        promise(remis_customer, list(remis_customer.invoices.all()), amount=Decimal("5000"))
    assert "2,000.00" in str(refused.value) or "2 000,00" in str(refused.value)


def test_no_invoice_is_refused(remis_customer):
    with pytest.raises(BadInput, match=r"^invoices: "):
        promise(remis_customer, [])
    assert not PromiseToPay.objects.exists()


def test_another_customers_invoice_is_refused(remis_customer, portfolios):
    foreign = portfolios["paul1"].invoices.get()
    with pytest.raises(BadInput, match=r"^invoices: F-paul-1 "):
        promise(remis_customer, [*remis_customer.invoices.all(), foreign])
    assert not PromiseToPay.objects.exists()


def test_a_paid_invoice_is_refused(remis_customer):
    paid = remis_customer.invoices.get(number="F-remi-1b")
    payment = PaymentFactory(customer=remis_customer, amount=Decimal("1000.00"))
    allocate(invoice=paid, payment=payment, amount=Decimal("1000.00"))
    stale = Invoice.objects.get(pk=paid.pk)
    stale.settled_on = None  # as a form read it before the payment came in
    with pytest.raises(BadInput, match=r"^invoices: F-remi-1b: "):
        promise(remis_customer, [stale])
    assert not PromiseToPay.objects.exists()


def test_a_credit_note_is_refused(remis_customer):
    credit_note = CreditNoteFactory(customer=remis_customer, number="AV-1")
    with pytest.raises(BadInput, match=r"^invoices: AV-1: "):
        promise(remis_customer, [credit_note])
    assert not PromiseToPay.objects.exists()


def test_the_amount_counts_only_what_is_still_open(remis_customer):
    invoice = InvoiceFactory(customer=remis_customer, number="F-part", amount="800.00")
    payment = PaymentFactory(customer=remis_customer, amount=Decimal("500.00"))
    allocate(invoice=invoice, payment=payment, amount=Decimal("500.00"))
    with pytest.raises(BadInput, match=r"^amount: "):
        promise(remis_customer, [invoice], amount=Decimal("300.01"))
    assert promise(remis_customer, [invoice], amount=Decimal("300.00")).amount == Decimal("300")

"""A dispute on a paid invoice, on another customer's, above what is open, twice on the same
invoice, or due in the past: a clear message naming the field, and nothing recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Dispute, DisputeEvent
from encaisse.collaboration.services_disputes import open_dispute
from encaisse.core.errors import BadInput
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import CreditNoteFactory, InvoiceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


def _open(customer, invoices, **extra):
    return open_dispute(
        customer=customer, invoices=invoices, reason="quality", opened_on=TODAY, **extra
    )


def _nothing_recorded():
    assert not Dispute.objects.exists()
    assert not DisputeEvent.objects.exists()


def test_a_paid_invoice_cannot_be_disputed(portfolios):
    customer = portfolios["remi1"]
    invoice = customer.invoices.get()
    credit = CreditNoteFactory(customer=customer, amount=Decimal("-1000.00"))
    allocate(invoice=invoice, amount=Decimal("1000.00"), credit_note=credit)
    with pytest.raises(BadInput, match=r"^invoices: .*paid"):
        _open(customer, [invoice])
    _nothing_recorded()


def test_another_customers_invoice_is_refused(portfolios):
    with pytest.raises(BadInput, match=r"^invoices: F-paul-1 belong"):
        _open(portfolios["remi1"], list(portfolios["paul1"].invoices.all()))
    _nothing_recorded()


def test_an_amount_above_what_is_open_is_refused(portfolios):
    customer = portfolios["remi1"]
    with pytest.raises(BadInput, match=r"^amount: "):
        _open(customer, list(customer.invoices.all()), amount=Decimal("1000.01"))
    _nothing_recorded()
    dispute = _open(customer, list(customer.invoices.all()), amount=Decimal("250"))
    assert dispute.amount == Decimal("250.00")


def test_an_invoice_already_in_an_open_dispute_is_refused(portfolios):
    customer = portfolios["remi1"]
    second = InvoiceFactory(customer=customer, number="F-remi-1b")
    _open(customer, [customer.invoices.get(number="F-remi-1")])
    with pytest.raises(BadInput, match=r"^invoices: F-remi-1 is already"):
        _open(customer, list(customer.invoices.all()))
    assert Dispute.objects.count() == 1
    assert second.disputes.count() == 0


def test_a_due_date_in_the_past_or_an_outsider_owner_is_refused(portfolios, rep_paul):
    customer = portfolios["remi1"]
    invoices = list(customer.invoices.all())
    with pytest.raises(BadInput, match=r"^due date: "):
        _open(customer, invoices, due_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(BadInput, match=r"^owner: "):
        _open(customer, invoices, owner=rep_paul)
    with pytest.raises(BadInput, match=r"^reason: "):
        open_dispute(customer=customer, invoices=invoices, reason="mood", opened_on=TODAY)
    _nothing_recorded()

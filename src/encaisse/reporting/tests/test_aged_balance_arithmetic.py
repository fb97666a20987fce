"""Aged balance: buckets, credit notes, partial and unallocated payments, as-of dates."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.ledger.models import Customer
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import (
    CreditNoteFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)
from encaisse.reporting.selectors import Grouping, aged_balance

AS_OF = dt.date(2026, 6, 30)


def report(as_of=AS_OF, by=Grouping.TOTAL, customers=None):
    return aged_balance(customers or Customer.objects.all(), as_of=as_of, by=by)


def single_total(as_of=AS_OF):
    (total,) = report(as_of).totals
    return total


def invoice_due(customer, days_past_due, amount="100.00", **kwargs):
    due = AS_OF - dt.timedelta(days=days_past_due)
    return InvoiceFactory(
        customer=customer,
        issue_date=due - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        **kwargs,
    )


@pytest.fixture
def customer(entity):
    return CustomerFactory(entity=entity)


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-10, "not_due"),
        (0, "not_due"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "91_120"),
        (120, "91_120"),
        (121, "over_120"),
        (400, "over_120"),
    ],
)
def test_invoice_lands_in_the_bucket_of_its_days_past_due(customer, days_past_due, bucket):
    invoice_due(customer, days_past_due)
    total = single_total()
    assert total.buckets[bucket] == Decimal("100.00")
    assert total.total == Decimal("100.00")


def test_credit_note_is_aged_by_its_due_date_as_a_negative_amount(customer):
    invoice_due(customer, 45, "1000.00")
    due = AS_OF - dt.timedelta(days=5)
    CreditNoteFactory(customer=customer, issue_date=due, due_date=due, amount=Decimal("-200.00"))
    total = single_total()
    assert total.buckets["31_60"] == Decimal("1000.00")
    assert total.buckets["1_30"] == Decimal("-200.00")
    assert total.total == Decimal("800.00")


def test_partial_payment_reduces_the_invoice_in_its_bucket(customer):
    invoice = invoice_due(customer, 70, "1000.00")
    payment = PaymentFactory(
        customer=customer, date=AS_OF - dt.timedelta(days=20), amount=Decimal("400.00")
    )
    allocate(invoice=invoice, payment=payment, amount=Decimal("400.00"))
    total = single_total()
    assert total.buckets["61_90"] == Decimal("600.00")
    assert total.unallocated == Decimal("0.00")
    assert total.total == Decimal("600.00")


def test_unallocated_payment_lowers_the_total_not_a_bucket(customer):
    invoice_due(customer, 10, "1000.00")
    PaymentFactory(customer=customer, date=AS_OF - dt.timedelta(days=3), amount=Decimal("250.00"))
    total = single_total()
    assert total.buckets["1_30"] == Decimal("1000.00")
    assert total.unallocated == Decimal("250.00")
    assert total.total == Decimal("750.00")


def test_credit_note_allocated_to_an_invoice_closes_both(customer):
    invoice = invoice_due(customer, 40, "300.00")
    credit_note = CreditNoteFactory(
        customer=customer,
        issue_date=AS_OF - dt.timedelta(days=35),
        due_date=AS_OF - dt.timedelta(days=35),
        amount=Decimal("-300.00"),
    )
    allocate(invoice=invoice, credit_note=credit_note, amount=Decimal("300.00"))
    assert report().totals == []
    invoice.refresh_from_db()
    credit_note.refresh_from_db()
    assert invoice.open_amount == credit_note.open_amount == Decimal("0.00")


def test_past_as_of_date_ignores_later_payments_and_later_invoices(customer):
    invoice = invoice_due(customer, 50, "1000.00")
    invoice_due(customer, -20, "500.00")  # issued 10 days before AS_OF
    payment = PaymentFactory(customer=customer, date=AS_OF, amount=Decimal("1000.00"))
    allocate(invoice=invoice, payment=payment, amount=Decimal("1000.00"), on=AS_OF)

    today = single_total(AS_OF)
    assert today.total == Decimal("500.00")

    earlier = AS_OF - dt.timedelta(days=15)
    before = single_total(earlier)
    # The payment dated AS_OF did not exist yet; the second invoice was not yet issued.
    assert before.buckets["31_60"] == Decimal("1000.00")
    assert before.buckets["not_due"] == Decimal("0.00")
    assert before.unallocated == Decimal("0.00")
    assert before.total == Decimal("1000.00")


def test_payment_received_before_its_allocation_is_unallocated_until_then(customer):
    invoice = invoice_due(customer, 10, "100.00")
    payment = PaymentFactory(
        customer=customer, date=AS_OF - dt.timedelta(days=8), amount=Decimal("100.00")
    )
    allocate(invoice=invoice, payment=payment, amount=Decimal("100.00"), on=AS_OF)
    between = single_total(AS_OF - dt.timedelta(days=5))
    assert between.buckets["1_30"] == Decimal("100.00")
    assert between.unallocated == Decimal("100.00")
    assert between.total == Decimal("0.00")
    assert report(AS_OF).totals == []


def test_currencies_are_kept_apart(customer):
    invoice_due(customer, 10, "100.00")
    invoice_due(customer, 10, "70.00", currency="CHF")
    totals = {row.currency: row.total for row in report().totals}
    assert totals == {"CHF": Decimal("70.00"), "EUR": Decimal("100.00")}


def test_grouping_by_rep_agency_and_segment_adds_up_to_the_total(portfolios):
    overall = single_total(dt.date(2026, 12, 31)).total
    for by in (Grouping.CUSTOMER, Grouping.REP, Grouping.AGENCY, Grouping.SEGMENT):
        rows = report(dt.date(2026, 12, 31), by=by).rows
        assert sum(row.total for row in rows) == overall
    by_rep = {row.key: row.total for row in report(dt.date(2026, 12, 31), by=Grouping.REP).rows}
    assert by_rep == {
        "remi": Decimal("2000.00"),
        "sarah": Decimal("2000.00"),
        "paul": Decimal("2000.00"),
    }


def test_customer_grouping_links_each_row_to_its_customer(portfolios):
    rows = report(dt.date(2026, 12, 31), by=Grouping.CUSTOMER).rows
    assert {row.customer_id for row in rows} == {c.pk for c in portfolios.values()}

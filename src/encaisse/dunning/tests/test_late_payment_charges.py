"""French late-payment charges (art. L441-10 and D441-5 Code de commerce), tested directly:
interest at a yearly rate per day late, rounded to the cent half up, and the €40 recovery
indemnity once per invoice paid late (dunning.penalties, read by the message facts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.dunning.composing.facts import OpenInvoice, invoice_lines
from encaisse.dunning.penalties import RECOVERY_INDEMNITY, late_interest


@pytest.mark.parametrize(
    ("open_amount", "days", "rate", "interest"),
    [
        ("1000.00", 365, "12.15", "121.50"),  # a year at ECB + 10 points
        ("1000.00", 30, "12.15", "9.99"),  # 1000 x 12.15% x 30/365 = 9.986...
        ("1200.00", 1, "10.00", "0.33"),  # 0.3287... rounds up
        ("0.10", 10, "12.15", "0.00"),
        ("1000.00", 0, "12.15", "0.00"),  # due today: nothing yet
        ("1000.00", -5, "12.15", "0.00"),  # not due
        ("0.00", 100, "12.15", "0.00"),
        ("-50.00", 100, "12.15", "0.00"),  # a credit note earns no interest
    ],
)
def test_interest_per_day_late(open_amount, days, rate, interest):
    assert late_interest(Decimal(open_amount), days, Decimal(rate)) == Decimal(interest)


def test_the_recovery_indemnity_is_forty_euros():
    assert Decimal("40.00") == RECOVERY_INDEMNITY


@settings(max_examples=300, deadline=None)
@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2),
    days=st.integers(1, 3650),
    rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2),
)
def test_interest_is_cents_grows_with_time_and_never_exceeds_simple_interest(amount, days, rate):
    interest = late_interest(amount, days, rate)
    assert interest == interest.quantize(Decimal("0.01"))
    assert interest >= 0
    assert late_interest(amount, days + 1, rate) >= interest
    exact = amount * rate / 100 * days / 365
    assert abs(interest - exact) <= Decimal("0.005")


def test_a_message_counts_interest_to_its_date_and_leaves_settled_invoices_out():
    as_of = dt.date(2026, 3, 31)

    def open_invoice(number, amount, due):
        return OpenInvoice(
            number=number, issue_date=due - dt.timedelta(days=30), due_date=due,
            open_amount=Decimal(amount), currency="EUR", reminded=False,
        )  # fmt: skip

    lines = invoice_lines(
        [
            open_invoice("FA-2", "1000.00", dt.date(2026, 3, 1)),
            open_invoice("FA-1", "0.00", dt.date(2026, 1, 1)),  # settled meanwhile
            open_invoice("FA-3", "500.00", dt.date(2026, 4, 30)),  # not due yet
        ],
        as_of=as_of,
        interest_rate=Decimal("12.15"),
    )
    assert [(line.number, line.days_past_due, line.interest) for line in lines] == [
        ("FA-2", 30, Decimal("9.99")),
        ("FA-3", -30, Decimal("0.00")),
    ]

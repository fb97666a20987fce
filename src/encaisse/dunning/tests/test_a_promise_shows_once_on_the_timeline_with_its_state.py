"""A promise to pay is one line of the customer's timeline, where it was taken, with what
became of it: pending, then kept or broken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.promises import check_promises, record_promise
from encaisse.dunning.timeline import customer_timeline

pytestmark = pytest.mark.django_db


def promises_on_the_timeline(customer):
    return [event for event in customer_timeline(customer) if event.kind == "promise"]


def test_a_broken_promise_is_one_line_that_says_broken(portfolios, rep_remi, settings):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 3
    customer = portfolios["remi1"]
    record_promise(
        customer=customer,
        invoices=list(customer.invoices.all()),
        promised_for=dt.date(2026, 3, 16),
        recorded_on=dt.date(2026, 3, 5),
        amount=Decimal("500.00"),
        recorded_by=rep_remi,
    )
    (pending,) = promises_on_the_timeline(customer)
    assert pending.title == "Promise to pay by 03/16/2026: Pending"
    assert pending.by == "Rémi Commercial"
    assert pending.at.date() == dt.date(2026, 3, 5)

    check_promises(as_of=dt.date(2026, 3, 20))
    (broken,) = promises_on_the_timeline(customer)
    assert broken.title == "Promise to pay by 03/16/2026: Broken on 03/20/2026"
    assert broken.tone == "danger"
    assert broken.amount == Decimal("500.00")
    assert broken.url == f"/customers/{customer.pk}/#promises"

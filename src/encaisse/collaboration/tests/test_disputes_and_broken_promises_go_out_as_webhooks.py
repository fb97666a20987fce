"""The ERP hears by webhook of a dispute opened and closed, and of a promise broken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.promises import check_promises, record_promise
from encaisse.collaboration.services_disputes import open_dispute, withdraw_dispute
from encaisse.webhooks.models import Event
from encaisse.webhooks.services import create_subscription


@pytest.fixture
def erp(db, settings, admin_alice):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return create_subscription(
        name="ERP", url="http://127.0.0.1:9/hook", events=["*"], created_by=admin_alice
    )


def test_a_dispute_is_told_when_opened_and_when_closed(portfolios, finance_fanny, erp):
    customer = portfolios["remi1"]
    invoice = customer.invoices.get()
    dispute = open_dispute(
        customer=customer,
        invoices=[invoice],
        reason="quality",
        opened_on=dt.date(2026, 3, 10),
        opened_by=finance_fanny,
    )
    opened = Event.objects.get(name="dispute.opened")
    assert opened.payload["invoices"] == [invoice.number]
    assert opened.payload["status"] == "open"
    withdraw_dispute(dispute=dispute, by=finance_fanny, on=dt.date(2026, 3, 12))
    closed = Event.objects.get(name="dispute.resolved")
    assert closed.payload["status"] == "withdrawn"
    assert closed.payload["resolved_on"] == "2026-03-12"


def test_a_broken_promise_is_told_once(portfolios, rep_remi, erp):
    customer = portfolios["remi1"]
    invoice = customer.invoices.get()
    promise = record_promise(
        customer=customer,
        invoices=[invoice],
        promised_for=dt.date(2026, 3, 15),
        recorded_on=dt.date(2026, 3, 10),
        amount=Decimal("100.00"),
        recorded_by=rep_remi,
    )
    check_promises(as_of=dt.date(2026, 3, 25))
    check_promises(as_of=dt.date(2026, 3, 26))
    broken = Event.objects.get(name="promise.broken")
    assert broken.key == f"promise:{promise.pk}"
    assert broken.payload["received"] == "0.00"

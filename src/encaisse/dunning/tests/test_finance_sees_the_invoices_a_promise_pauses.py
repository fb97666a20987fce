"""On the customer page, the dunning panel says which invoices get no reminder and why: a
promise to pay until its date plus the grace days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from encaisse.collaboration.promises import record_promise
from encaisse.dunning.services.setup import install_shipped_dunning
from encaisse.ledger.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def promised(portfolios, rep_remi, settings):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 3
    install_shipped_dunning()
    customer = portfolios["remi1"]
    InvoiceFactory(customer=customer, number="F-remi-1b")
    record_promise(
        customer=customer,
        invoices=list(customer.invoices.filter(number="F-remi-1")),
        promised_for=dt.date(2026, 3, 16),
        recorded_on=TODAY,
        recorded_by=rep_remi,
    )
    return customer


def test_finance_sees_the_invoice_paused_by_a_promise_until_its_grace_days_end(
    client, promised, finance_fanny
):
    client.force_login(finance_fanny)
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=ZoneInfo("Europe/Paris"))):
        response = client.get(f"/customers/{promised.pk}/")
    assertContains(response, 'data-testid="dunning-paused"')
    assertContains(response, 'data-pause="promised"', count=1)
    assertContains(response, "F-remi-1 (promise to pay until 03/19/2026)")
    assertNotContains(response, "F-remi-1b (")


def test_once_the_grace_days_are_over_nothing_is_paused(client, promised, finance_fanny):
    client.force_login(finance_fanny)
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, tzinfo=ZoneInfo("Europe/Paris"))):
        response = client.get(f"/customers/{promised.pk}/")
    assertNotContains(response, 'data-testid="dunning-paused"')

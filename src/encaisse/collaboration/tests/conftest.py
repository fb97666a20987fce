"""Rémi's day: his customer Client Rémi 1 owes two invoices and dunning asked him to call."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encaisse.collaboration.models import TaskKind
from encaisse.collaboration.services import create_task
from encaisse.ledger.tests.factories import ContactFactory, InvoiceFactory

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 3, 5)  # the first invoices fell due on 2026-01-31: 33 days late


@pytest.fixture
def on_march_5th():
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False):
        yield TODAY


@pytest.fixture
def remis_customer(portfolios):
    """Client Rémi 1: two open invoices (1 000 € each) and a collection contact."""
    customer = portfolios["remi1"]
    InvoiceFactory(customer=customer, number="F-remi-1b", amount="1000.00")
    ContactFactory(customer=customer, name="Jeanne Compta", phone="04 72 11 22 33", is_primary=True)
    return customer


@pytest.fixture
def call_for_remi(remis_customer, rep_remi, on_march_5th):
    return create_task(
        customer=remis_customer,
        kind=TaskKind.CALL,
        title="Call after two reminders",
        due_on=TODAY,
        invoices=list(remis_customer.invoices.all()),
        assignee=rep_remi,
        instructions="Ask when the two January invoices will be paid.",
        source="dunning-action:1",
    )


@pytest.fixture
def english_speaking(db):
    """Every user of the test reads English (notifications are written in each reader's
    language; without a choice, French)."""
    from encaisse.accounts.models import User

    def speak_english() -> None:
        User.objects.update(language="en")

    return speak_english

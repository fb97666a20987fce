"""Payments the bank returns on one statement are told once per person: the rep hears of
his customers' returns, finance of all, in one notification each when there are several;
and a payment returned on the statement that brought it is not announced as paid."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encaisse.banking.tests.conftest import import_bank
from encaisse.banking.tests.test_a_returned_payment_opens_its_invoices_again import (
    paid_then_returned,
    tx,
)
from encaisse.collaboration.models import Notification


@pytest.fixture(autouse=True)
def days_after_the_statements():
    """The credits are booked on 5 March 2026, the returns on 9 March."""
    paris = ZoneInfo("Europe/Paris")
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=paris), tick=False):
        yield


def test_two_returns_make_one_notification_for_the_rep_and_one_for_finance(
    ledger, camt, rep_remi, rep_paul, finance_fanny
):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    paid = [
        tx("4500.00", reference="R1", end_to_end="E2E-1", text="FACTURE FA-2026-0110"),
        tx("2214.56", reference="R3", end_to_end="E2E-3", text="FA-2026-0101 FA-2026-0102",
           name="Logistique Belleville"),
    ]  # fmt: skip
    import_bank(camt(*paid, statement_id="S1", name="a.xml"))
    Notification.objects.all().delete()
    returned = [
        tx("4500.00", indicator="DBIT", booked="2026-03-09", reference="R2",
           end_to_end="E2E-1", reversal=True, reason="AC04"),
        tx("2214.56", indicator="DBIT", booked="2026-03-09", reference="R4",
           end_to_end="E2E-3", reversal=True, reason="AM04", name="Logistique Belleville"),
    ]  # fmt: skip
    import_bank(camt(*returned, statement_id="S2", name="b.xml"))

    [remis] = Notification.objects.filter(recipient=rep_remi)
    assert remis.title == "2 payments returned by the bank"
    lines = remis.body.splitlines()
    assert len(lines) == 2
    assert any("Logistique Belleville" in line for line in lines)
    assert any("Boulangeries du Lyonnais SAS" in line for line in lines)
    assert Notification.objects.filter(recipient=finance_fanny).count() == 1
    assert not Notification.objects.filter(recipient=rep_paul).exists()


def test_a_payment_returned_on_its_own_statement_is_not_announced_as_paid(
    ledger, camt, rep_remi, finance_fanny
):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    import_bank(camt(*paid_then_returned()))
    [remis] = Notification.objects.filter(recipient=rep_remi)  # not "... paid"
    assert remis.title.startswith("Payment returned by the bank: Boulangeries du Lyonnais SAS")

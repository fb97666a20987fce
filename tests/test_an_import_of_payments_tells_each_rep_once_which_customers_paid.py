"""An import of payments tells each rep, once for the whole file, which of their customers
paid (in the rep's language); a payment lettered to nothing, an old payment (history, not
news), or the same file again, tells nobody anything."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encaisse.collaboration.models import Notification
from encaisse.imports.tests.conftest import run


@pytest.fixture(autouse=True)
def days_after_the_payments():
    """The files' payments are of 10 February 2026."""
    paris = ZoneInfo("Europe/Paris")
    with time_machine.travel(dt.datetime(2026, 2, 16, 9, 0, tzinfo=paris), tick=False):
        yield


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


HEADER = "Référence règlement;Code client;N° facture;Date règlement;Montant\n"


def test_each_rep_is_told_once_per_file(portfolios, rep_remi, rep_sarah, rep_paul, write_file):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    path = write_file(
        "reglements.csv",
        HEADER
        + "VIR-1;REMI-1;F-remi-1;10/02/2026;400,00\n"
        + "VIR-2;REMI-2;F-remi-2;10/02/2026;1000,00\n"
        + "VIR-3;SARAH-1;F-sarah-1;10/02/2026;1000,00\n",
    )
    assert run("payments", path).ok

    [remis] = Notification.objects.filter(recipient=rep_remi)
    assert remis.title == "2 customers of yours paid"
    assert remis.body.splitlines() == ["- Client Rémi 1: €400.00", "- Client Rémi 2: €1,000.00"]
    [sarahs] = Notification.objects.filter(recipient=rep_sarah)
    assert "Client Sarah 1" in sarahs.title
    assert sarahs.customer == portfolios["sarah1"]
    assert not Notification.objects.filter(recipient=rep_paul).exists()

    run("payments", path)
    assert Notification.objects.count() == 2


def test_a_payment_lettered_to_nothing_tells_nobody(portfolios, write_file):
    data = "reference;customer_external_id;date;amount\nCHQ-1;REMI-2;2026-02-10;50\n"
    assert run("payments", write_file("r.csv", data)).created == 1
    assert not Notification.objects.exists()


def test_payments_of_last_year_tell_nobody(portfolios, write_file):
    old = HEADER + "VIR-1;REMI-1;F-remi-1;10/02/2025;400,00\n"
    assert run("payments", write_file("old.csv", old)).ok
    assert not Notification.objects.exists()

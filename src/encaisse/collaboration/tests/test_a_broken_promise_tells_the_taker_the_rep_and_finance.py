"""A broken promise tells whoever took it, the customer's rep and finance, each once and in
their own language, with a link to the customer's promises; nobody who cannot see the
customer hears of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration import promises
from encaisse.collaboration.models import Notification
from encaisse.collaboration.promises import check_promises, record_promise
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

TAKEN = dt.date(2026, 3, 5)
PROMISED = dt.date(2026, 3, 16)
CHECKED = dt.date(2026, 3, 20)  # the grace days (three) are over


@pytest.fixture(autouse=True)
def _three_days_grace(settings):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 3


@pytest.fixture
def broken_by_remis_customer(remis_customer, manager_maud):
    """Maud took a promise of 1 500 € from Rémi's customer; 400 € came in."""
    invoices = list(remis_customer.invoices.order_by("number"))
    promise = record_promise(
        customer=remis_customer,
        invoices=invoices,
        promised_for=PROMISED,
        recorded_on=TAKEN,
        amount=Decimal("1500.00"),
        recorded_by=manager_maud,
    )
    payment = PaymentFactory(customer=remis_customer, amount=Decimal("400.00"), date=PROMISED)
    allocate(invoice=invoices[0], payment=payment, amount=Decimal("400.00"), on=PROMISED)
    return promise


def test_the_taker_the_rep_and_finance_are_told_once_each(
    broken_by_remis_customer, manager_maud, rep_remi, rep_sarah, rep_paul, finance_fanny,
    viewer_victor,
):  # fmt: skip
    check_promises(as_of=CHECKED)
    told = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["fanny", "maud", "remi"]
    for notification in told:
        assert notification.customer == broken_by_remis_customer.customer
        assert notification.url == f"/customers/{notification.customer.pk}/#promises"
        assert "Client Rémi 1" in notification.title


def test_a_deactivated_finance_user_is_not_told(broken_by_remis_customer, finance_fanny):
    finance_fanny.is_active = False
    finance_fanny.save()
    check_promises(as_of=CHECKED)
    assert not Notification.objects.filter(recipient=finance_fanny).exists()


def test_each_is_told_in_their_own_language(
    broken_by_remis_customer, rep_remi, manager_maud, finance_fanny, monkeypatch
):
    # Users choose their language on another branch (User.language); until then the
    # recipient's language is what language_of says.
    languages = {"remi": "fr", "maud": "fr", "fanny": "en"}
    monkeypatch.setattr(promises, "language_of", lambda user: languages[user.username])
    check_promises(as_of=CHECKED)
    french = Notification.objects.get(recipient=rep_remi).body
    english = Notification.objects.get(recipient=finance_fanny).body
    assert "1\u202f500,00\u00a0€" in french
    assert "400,00\u00a0€" in french
    assert "16/03/2026" in french
    assert "€1,500.00" in english
    assert "€400.00" in english
    assert "F-remi-1, F-remi-1b" in english
    assert "Dunning resumes" in english


def test_a_kept_promise_tells_nobody(remis_customer, rep_remi, finance_fanny):
    invoice = remis_customer.invoices.order_by("number").first()
    record_promise(
        customer=remis_customer,
        invoices=[invoice],
        promised_for=PROMISED,
        recorded_on=TAKEN,
        amount=Decimal("100.00"),
        recorded_by=rep_remi,
    )
    payment = PaymentFactory(customer=remis_customer, amount=Decimal("100.00"), date=PROMISED)
    allocate(invoice=invoice, payment=payment, amount=Decimal("100.00"), on=PROMISED)
    check_promises(as_of=CHECKED)
    assert not Notification.objects.exists()

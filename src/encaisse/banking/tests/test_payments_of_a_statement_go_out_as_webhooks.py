"""The ERP hears by webhook of each customer payment a bank statement brings, once, even when
the statement is imported again."""

from __future__ import annotations

import pytest

from encaisse.banking.models import BankLine
from encaisse.banking.tests.conftest import CAMT, import_bank
from encaisse.ledger.models import Payment
from encaisse.webhooks.models import Event
from encaisse.webhooks.services import create_subscription


@pytest.fixture
def erp(db, settings, admin_alice):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return create_subscription(
        name="ERP",
        url="http://127.0.0.1:9/hook",
        events=["payment.received"],
        created_by=admin_alice,
    )


def test_each_payment_of_a_statement_is_told_once(ledger, erp):
    import_bank(CAMT)
    import_bank(CAMT)
    received = Payment.objects.filter(amount__gt=0, bank_line__isnull=False)
    assert received.exists()
    events = Event.objects.filter(name="payment.received")
    assert sorted(events.values_list("key", flat=True)) == sorted(
        f"payment:{pk}" for pk in received.values_list("pk", flat=True)
    )
    line = BankLine.objects.get(bank_reference="0503260001234567")
    told = events.get(key=f"payment:{line.payment_id}").payload
    assert (told["customer_external_id"], told["amount"]) == ("C001", "2214.56")

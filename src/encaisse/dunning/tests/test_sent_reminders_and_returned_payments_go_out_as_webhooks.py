"""The ERP hears by webhook of each reminder sent and each payment the bank took back, once
each, with plain values; with no subscription nothing is recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.models import OutboundMessage
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.services import allocate, record_payment_return
from encaisse.ledger.tests.factories import (
    ContactFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)
from encaisse.webhooks.models import Delivery, Event
from encaisse.webhooks.services import create_subscription


@pytest.fixture
def erp(db, settings, admin_alice):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return create_subscription(
        name="ERP",
        url="http://127.0.0.1:9/hook",
        events=["reminder.sent", "payment.returned"],
        created_by=admin_alice,
    )


def _late_customer(entity):
    customer = CustomerFactory(entity=entity, segment="sme", external_id="C-42")
    ContactFactory(customer=customer, email="compta@client.fr")
    invoice = InvoiceFactory(
        customer=customer, amount=Decimal("800.00"), due_date=dt.date(2026, 3, 1)
    )
    return customer, invoice


def test_a_sent_reminder_and_a_returned_payment_are_told_once(dunning_ready, smtp_inbox, erp):
    customer, invoice = _late_customer(dunning_ready)
    execute_dunning_run(as_of=dt.date(2026, 3, 9))
    send_outbox()
    send_outbox()  # nothing new: nothing told twice
    message = OutboundMessage.objects.get(action__customer=customer)
    sent = Event.objects.get(name="reminder.sent")
    assert sent.key == f"message:{message.pk}"
    assert sent.payload["customer_external_id"] == "C-42"
    assert sent.payload["amount"] == "800.00"
    assert sent.payload["channel"] == "email"

    payment = PaymentFactory(customer=customer, amount=Decimal("800.00"), date=dt.date(2026, 3, 12))
    allocate(invoice=invoice, payment=payment, amount=Decimal("800.00"))
    back = record_payment_return(
        payment=payment, returned_on=dt.date(2026, 3, 17), reference="RET-1", reason="AM04"
    )
    record_payment_return(  # the same statement again
        payment=payment, returned_on=dt.date(2026, 3, 17), reference="RET-1", reason="AM04"
    )
    returned = Event.objects.get(name="payment.returned")
    assert returned.payload["payment_id"] == back.pk
    assert returned.payload["amount"] == "-800.00"
    assert returned.payload["return_reason"] == "AM04"
    assert Delivery.objects.filter(subscription=erp).count() == 2


def test_without_a_subscription_nothing_is_recorded(dunning_ready, smtp_inbox):
    _late_customer(dunning_ready)
    execute_dunning_run(as_of=dt.date(2026, 3, 9))
    send_outbox()
    assert OutboundMessage.objects.filter(state="sent").count() == 1
    assert not Event.objects.exists()

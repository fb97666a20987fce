"""The same domain event emitted twice (a job run twice) is recorded and sent once; an
event emitted in a change that is rolled back is neither recorded nor sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from encaisse.webhooks.models import Delivery, Event
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked


def test_an_event_emitted_twice_with_the_same_key_is_recorded_and_sent_once(
    subscription, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = emit("customer.blocked", blocked(), key="block:1")
        again = emit("customer.blocked", blocked(), key="block:1")
        other = emit("customer.unblocked", blocked(), key="block:1")  # another event

    assert again == first
    assert Event.objects.count() == 2
    assert Delivery.objects.filter(event=first).count() == 1
    assert [r.headers["X-Encaisse-Event"] for r in receiver.received] == [
        "customer.blocked",
        "customer.unblocked",
    ]
    assert other.key == first.key


@pytest.mark.django_db(transaction=True)
def test_an_event_emitted_in_a_rolled_back_transaction_sends_nothing(
    admin_alice, receiver, jobs_run_inline
):
    create_subscription(name="ERP", url=receiver.url, events=["*"], created_by=admin_alice)

    def change_that_fails() -> None:
        with transaction.atomic():
            emit("customer.blocked", blocked(), key="block:1")
            raise RuntimeError("the block was refused after all")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert not Event.objects.exists()
    assert jobs_run_inline == []
    assert receiver.received == []

    with transaction.atomic():  # the same change, committed this time
        emit("customer.blocked", blocked(), key="block:1")
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"amount": Decimal("10.00")},
        {"amount": 10.5},
        {"due": dt.date(2026, 1, 1)},
        {"invoices": [{"customer": object()}]},
    ],
)
def test_a_payload_that_is_not_plain_json_is_refused_at_once(db, payload):  # even unheard
    with pytest.raises(TypeError):
        emit("payment.received", payload, key="p:1")
    assert not Event.objects.exists()


def test_an_event_no_subscription_wants_is_not_recorded(db, subscription):
    assert emit("payment.received", {"payment": {"id": 1}}, key="p:1") is None
    assert not Event.objects.exists()


def test_an_event_outside_the_catalogue_is_refused(db):
    with pytest.raises(ValueError, match="catalogue"):
        emit("customer.deleted", {}, key="x")

"""A block and an unblock reach the ERP's receiver (a real HTTP server on loopback) once
each, signed with the subscription's secret; a failing receiver is retried; a change rolled
back sends nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction

from encaisse.risk.blocking import block_customer, unblock_customer
from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.sending import send_due_deliveries
from encaisse.webhooks.sending import signature as expected_signature
from encaisse.webhooks.services import create_subscription
from encaisse.webhooks.tests.receiver import Receiver, start_receiver

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL = False


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = start_receiver(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def erp(db, receiver, admin_alice):
    return create_subscription(
        name="ERP orders",
        url=receiver.url,
        events=["customer.blocked", "customer.unblocked"],
        created_by=admin_alice,
    )


def _signed(request, secret: str) -> bool:
    timestamp = request.headers["X-Encaisse-Timestamp"]
    return request.headers["X-Encaisse-Signature"] == expected_signature(
        secret, timestamp, request.body
    )


def test_a_block_and_an_unblock_reach_the_erp_once_each_and_signed(
    portfolios, finance_fanny, erp, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    customer = portfolios["remi1"]
    with django_capture_on_commit_callbacks(execute=True):
        block = block_customer(customer=customer, reason="Unpaid since May", by=finance_fanny)
    with django_capture_on_commit_callbacks(execute=True):
        unblock_customer(customer=customer, by=finance_fanny, reason="Paid in full")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_deliveries(at_start=True) == 0  # each was delivered: nothing again

    assert [r.headers["X-Encaisse-Event"] for r in receiver.received] == [
        "customer.blocked",
        "customer.unblocked",
    ]
    assert all(_signed(request, erp.secret) for request in receiver.received)
    blocked, unblocked = (json.loads(request.body) for request in receiver.received)
    assert blocked["data"] == {
        "customer": {"id": customer.pk, "external_id": "REMI-1", "name": "Client Rémi 1"},
        "reason": "Unpaid since May",
        "since": block.blocked_at.isoformat(),
        "by": "fanny",
        "rule": "",
    }
    assert unblocked["data"]["reason"] == "Paid in full"
    assert unblocked["data"]["blocked_since"] == block.blocked_at.isoformat()
    assert unblocked["data"]["by"] == "fanny"
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_failing_erp_is_retried_and_gets_the_block_once(
    portfolios, finance_fanny, erp, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    receiver.answers = [503]
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            block_customer(customer=portfolios["remi1"], reason="Unpaid", by=finance_fanny)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)

        clock.shift(dt.timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 1
        clock.shift(dt.timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries(at_start=True) == 0

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 2  # the failure, then the one that was taken
    assert len({json.loads(r.body)["id"] for r in receiver.received}) == 1


def test_a_block_rolled_back_sends_nothing(portfolios, finance_fanny, erp, receiver):
    def block_then_fail() -> None:
        with transaction.atomic():
            block_customer(customer=portfolios["remi1"], reason="Unpaid", by=finance_fanny)
            raise RuntimeError("the page failed after")

    with pytest.raises(RuntimeError):
        block_then_fail()
    assert not Delivery.objects.exists()
    assert receiver.received == []

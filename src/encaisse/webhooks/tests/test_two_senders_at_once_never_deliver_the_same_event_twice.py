"""Two workers given the same delivery at once (its job delivered twice, the recovery
starting it meanwhile): the one that claimed it sends it, the other sends nothing. A
sender that died after claiming is taken over once its claim is stale."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connections

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.sending import _claim, attempt_delivery, claim_lasts, send_due_deliveries
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_deliver_the_same_event_twice(admin_alice, receiver):
    create_subscription(name="ERP", url=receiver.url, events=["*"], created_by=admin_alice)
    event = emit("customer.blocked", blocked(), key="block:2")  # its job runs in the pool
    delivery = Delivery.objects.get(event=event)
    second_sender: list[object] = []

    def another_worker_arrives(_request):
        try:  # in the server's thread: a second worker, with its own connection
            second_sender.append(attempt_delivery(delivery_id=delivery.pk))
            second_sender.append(send_due_deliveries(at_start=True))
        finally:
            connections.close_all()

    receiver.during = another_worker_arrives
    first = attempt_delivery(delivery_id=delivery.pk)  # the pool's job may have won instead
    _wait_until_done(delivery)

    assert first in (DeliveryStatus.DELIVERED, None)
    assert second_sender == [None, 0]
    assert len(receiver.received) == 1
    assert attempt_delivery(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1


def _wait_until_done(delivery: Delivery) -> None:
    import time

    for _ in range(200):
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.PENDING:
            return
        time.sleep(0.05)
    pytest.fail("the delivery was never sent")


def test_a_delivery_whose_sender_died_is_sent_by_the_next_once_the_claim_is_stale(
    subscription, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    t0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False) as clock:
        event = emit("customer.blocked", blocked(), key="block:3")  # its job is lost
        delivery = Delivery.objects.get(event=event)
        assert _claim(delivery.pk, "dead-worker", t0)  # claimed, then the worker died

        clock.shift(claim_lasts() - dt.timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 0
        assert receiver.received == []

        clock.shift(dt.timedelta(seconds=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2  # the dead worker's attempt counts
    assert len(receiver.received) == 1

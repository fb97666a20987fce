"""A receiver that fails twice and then answers 200 gets the event three times, 1 then 2
minutes apart, and the delivery is then done: nothing is sent again."""

from __future__ import annotations

import datetime as dt

import time_machine

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.sending import send_due_deliveries
from encaisse.webhooks.services import emit
from encaisse.webhooks.tasks import deliver_webhook_task
from encaisse.webhooks.tests.conftest import blocked

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_a_failing_receiver_is_retried_with_backoff_and_delivered_once(
    subscription, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            event = emit("customer.blocked", blocked(), key="block:9")
        delivery = Delivery.objects.get(event=event)
        assert (delivery.status, delivery.attempts, delivery.last_error) == (
            DeliveryStatus.PENDING,
            1,
            "HTTP 500",
        )
        assert delivery.next_attempt_at == T0 + dt.timedelta(minutes=1)

        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 0  # not due yet
        clock.shift(dt.timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 1
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (2, 503)
        assert delivery.next_attempt_at == T0 + dt.timedelta(minutes=3)  # then 2 minutes

        clock.shift(dt.timedelta(minutes=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.delivered_at == T0 + dt.timedelta(minutes=3)

        clock.shift(dt.timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_deliveries(at_start=True) == 0
        assert deliver_webhook_task(delivery_id=delivery.pk) is None  # a job delivered again

    assert len(receiver.received) == 3
    assert len({r.headers["X-Encaisse-Timestamp"] for r in receiver.received}) == 3
    assert len({r.body for r in receiver.received}) == 1  # the same document each time
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert [a.number for a in delivery.attempt_log.all()] == [1, 2, 3]

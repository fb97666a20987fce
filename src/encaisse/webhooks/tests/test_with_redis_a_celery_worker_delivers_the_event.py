"""With REDIS_URL set, an emitted event is delivered by a Celery worker (the job layer),
never by a thread of the web process; signed like any delivery, sent once."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from encaisse.core import jobs
from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_celery_worker_delivers_the_event(
    admin_alice, receiver, documented_verify, celery_workers, monkeypatch
):
    def no_thread(*args, **kwargs):
        raise AssertionError("a webhook went to the web process's job threads")

    monkeypatch.setattr(jobs._in_process, "submit", no_thread)
    subscription = create_subscription(
        name="ERP", url=receiver.url, events=["customer.blocked"], created_by=admin_alice
    )
    celery_workers.start(ENCAISSE_WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
    with transaction.atomic():
        event = emit("customer.blocked", blocked(), key="block:1")
    delivery = Delivery.objects.get(event=event)
    deadline = time.monotonic() + 60
    while delivery.status == DeliveryStatus.PENDING and time.monotonic() < deadline:
        time.sleep(0.2)
        delivery.refresh_from_db()

    assert delivery.status == DeliveryStatus.DELIVERED, celery_workers.output()
    [request] = receiver.received
    assert documented_verify(subscription.secret, request.headers, request.body)

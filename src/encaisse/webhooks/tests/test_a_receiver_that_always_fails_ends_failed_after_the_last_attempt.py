"""A receiver that never answers 2xx (or cannot be reached) is tried
ENCAISSE_WEBHOOK_MAX_ATTEMPTS times; the delivery then ends failed with the last error."""

from __future__ import annotations

import socket

import pytest

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.sending import send_due_deliveries
from encaisse.webhooks.services import create_subscription, emit
from encaisse.webhooks.tests.conftest import blocked


@pytest.fixture
def quick_retries(settings):
    settings.ENCAISSE_WEBHOOK_MAX_ATTEMPTS = 3
    settings.ENCAISSE_WEBHOOK_RETRY_BACKOFF_SECONDS = 0


def _send_until_nothing_is_due(capture) -> int:
    rounds = 0
    while True:
        with capture(execute=True):
            if not send_due_deliveries():
                return rounds
        rounds += 1
        assert rounds < 10


def test_a_receiver_that_always_fails_ends_failed_after_the_last_attempt(
    subscription, receiver, quick_retries, jobs_run_inline, django_capture_on_commit_callbacks
):
    receiver.default = 500
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("customer.blocked", blocked(), key="block:1")
    assert _send_until_nothing_is_due(django_capture_on_commit_callbacks) == 2

    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.attempts, delivery.last_status_code) == (3, 500)
    assert delivery.last_error == "HTTP 500"
    assert delivery.response_excerpt == "receiver says no"
    assert delivery.next_attempt_at is None
    assert len(receiver.received) == 3


def test_a_receiver_that_cannot_be_reached_ends_failed_with_the_reason(
    db, admin_alice, quick_retries, jobs_run_inline, django_capture_on_commit_callbacks
):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    create_subscription(
        name="ERP", url=f"http://127.0.0.1:{port}/", events=["*"], created_by=admin_alice
    )
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("dispute.opened", {"dispute": {"id": 1}}, key="d:1")
    _send_until_nothing_is_due(django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.last_status_code is None
    assert "ConnectionRefusedError" in delivery.last_error

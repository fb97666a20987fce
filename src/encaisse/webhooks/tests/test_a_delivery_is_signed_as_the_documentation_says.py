"""The receiver checks each request with the snippet of docs/webhooks.md: it passes with the
subscription's secret and fails with another secret, a changed body or an old timestamp."""

from __future__ import annotations

import json

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.services import emit
from encaisse.webhooks.tests.conftest import blocked


def test_a_delivery_is_signed_as_the_documentation_says(
    subscription, receiver, documented_verify, jobs_run_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("customer.blocked", blocked(7), key="block:1")

    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    [request] = receiver.received
    assert request.path == "/hooks/encaisse?source=test"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Encaisse-Event"] == "customer.blocked"
    assert request.headers["X-Encaisse-Delivery"] == str(delivery.pk)
    assert documented_verify(subscription.secret, request.headers, request.body)

    document = json.loads(request.body)
    assert document["id"] == str(event.uid)
    assert document["event"] == "customer.blocked"
    assert document["data"] == {"customer": {"id": 7, "external_id": "C7"}, "reason": "over"}

    assert not documented_verify("whsec_someone-else", request.headers, request.body)
    assert not documented_verify(subscription.secret, request.headers, request.body + b" ")
    old = {**dict(request.headers), "X-Encaisse-Timestamp": "1000000000"}
    assert not documented_verify(subscription.secret, old, request.body)


def test_only_subscriptions_that_want_the_event_and_are_active_receive_it(
    subscription, receiver, admin_alice, jobs_run_inline, django_capture_on_commit_callbacks
):
    from encaisse.webhooks.services import create_subscription, set_subscription_active

    everything = create_subscription(
        name="TMS", url=receiver.url, events=["*"], created_by=admin_alice
    )
    stopped = create_subscription(
        name="Old ERP", url=receiver.url, events=["*"], created_by=admin_alice
    )
    set_subscription_active(subscription=stopped, active=False)

    with django_capture_on_commit_callbacks(execute=True):
        event = emit("payment.received", {"payment": {"id": 3}, "amount": "120.00"}, key="p:3")

    assert [d.subscription for d in event.deliveries.all()] == [everything]
    assert [r.headers["X-Encaisse-Event"] for r in receiver.received] == ["payment.received"]

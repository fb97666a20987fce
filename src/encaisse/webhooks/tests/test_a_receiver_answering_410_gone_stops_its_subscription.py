"""410 Gone means "stop sending me this": the subscription is stopped at once and says why,
no retry is planned, and later events are not delivered to it until it is started again."""

from __future__ import annotations

from encaisse.webhooks.models import Delivery, DeliveryStatus, StopReason
from encaisse.webhooks.services import emit, set_subscription_active
from encaisse.webhooks.tests.conftest import blocked


def test_a_receiver_answering_410_gone_stops_its_subscription(
    client, admin_alice, subscription, receiver, jobs_run_inline, django_capture_on_commit_callbacks
):
    receiver.answers = [410]
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("customer.blocked", blocked(), key="block:1")

    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "410" in delivery.last_error
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.stopped_because == StopReason.GONE

    with django_capture_on_commit_callbacks(execute=True):
        emit("customer.unblocked", blocked(), key="unblock:1")
    assert len(receiver.received) == 1

    client.force_login(admin_alice)
    page = client.get(f"/integrations/webhooks/{subscription.pk}/").content.decode()
    assert "410 Gone" in page

    set_subscription_active(subscription=subscription, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        emit("customer.blocked", blocked(), key="block:2")
    assert len(receiver.received) == 2

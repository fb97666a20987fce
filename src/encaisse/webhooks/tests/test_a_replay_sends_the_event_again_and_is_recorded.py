"""An administrator replays a delivered delivery from its page: the receiver gets the same
event again (same id, signed afresh), and the page says who replayed it and when."""

from __future__ import annotations

import json

from encaisse.webhooks.models import Delivery, DeliveryStatus
from encaisse.webhooks.services import emit
from encaisse.webhooks.tests.conftest import blocked


def test_a_replay_sends_the_event_again_and_is_recorded(
    client,
    admin_alice,
    subscription,
    receiver,
    documented_verify,
    jobs_run_inline,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit("customer.blocked", blocked(), key="block:1")
    delivery = Delivery.objects.get(event=event)
    client.force_login(admin_alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/integrations/webhooks/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 302

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.replays, delivery.replayed_by) == (1, admin_alice)
    first, second = receiver.received
    assert json.loads(second.body)["id"] == json.loads(first.body)["id"] == str(event.uid)
    assert second.headers["X-Encaisse-Delivery"] == str(delivery.pk)
    assert documented_verify(subscription.secret, second.headers, second.body)
    assert [(a.round, a.number) for a in delivery.attempt_log.all()] == [(0, 1), (1, 1)]

    page = client.get(f"/integrations/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "Replay 1" in page
    assert "Alice Admin" in page
    assert str(event.uid) in page


def test_a_delivery_still_being_sent_cannot_be_replayed(
    client, admin_alice, subscription, receiver, django_capture_on_commit_callbacks
):
    event = emit("customer.blocked", blocked(), key="block:1")  # its job not run yet
    delivery = Delivery.objects.get(event=event)
    client.force_login(admin_alice)

    response = client.post(f"/integrations/webhooks/deliveries/{delivery.pk}/replay/", follow=True)
    assert "still being sent" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.replays == 0

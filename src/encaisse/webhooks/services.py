"""Webhook writes: emit an event (what domain apps call), manage subscriptions, replay a
delivery. Each in a transaction; the sending job is started once it commits."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.jobs import enqueue
from encaisse.webhooks.addresses import check_webhook_url
from encaisse.webhooks.catalogue import ALL_EVENTS, EVENTS, PING, is_known_event
from encaisse.webhooks.models import (
    Delivery,
    DeliveryStatus,
    Event,
    StopReason,
    Subscription,
    new_secret,
)

DELIVERY_JOB = "encaisse.webhooks.tasks.deliver_webhook_task"


def _plain_json(value: Any, where: str = "payload") -> None:
    """Payloads are plain JSON (ids, external ids, ISO dates, amounts as strings), never
    model instances, dates or Decimals: refused here rather than by the encoder later."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise TypeError(f"{where}: write amounts as strings (money_str), not floats")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: keys are strings")
            _plain_json(item, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _plain_json(item, f"{where}[{index}]")
        return
    raise TypeError(f"{where}: {type(value).__name__} is not plain JSON (use ids, ISO strings)")


@transaction.atomic
def emit(name: str, payload: Mapping[str, Any], key: str) -> Event | None:
    """Record that ``name`` happened (once per ``key``: a second emit with the same name and
    key returns the first event and sends nothing) and queue its delivery to every active
    subscription that wants it. Call it inside the domain change's transaction: if that
    rolls back, nothing is recorded and nothing is sent. When no active subscription wants
    the event, nothing is recorded (None): a ledger without webhooks keeps no event rows."""
    if name not in EVENTS:
        raise ValueError(f"unknown webhook event {name!r}: add it to webhooks.catalogue.EVENTS")
    _plain_json(dict(payload))
    subscriptions = [s for s in Subscription.objects.filter(active=True) if s.wants(name)]
    if not subscriptions:
        return None
    event, created = Event.objects.get_or_create(
        name=name, key=str(key)[:200], defaults={"payload": dict(payload)}
    )
    if created:
        _deliver(event, subscriptions)
    return event


def emit_many(name: str, events: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """``emit`` for many events of one name (a bank statement's payments): the subscriptions
    are read once, and nothing is built when none wants ``name``. How many were recorded."""
    if name not in EVENTS:
        raise ValueError(f"unknown webhook event {name!r}: add it to webhooks.catalogue.EVENTS")
    if not any(s.wants(name) for s in Subscription.objects.filter(active=True)):
        return 0
    return sum(emit(name, payload, key) is not None for key, payload in events)


def _deliver(
    event: Event, subscriptions: Sequence[Subscription], *, queue: bool = True
) -> list[Delivery]:
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(event=event, subscription=s, next_attempt_at=now) for s in subscriptions
    )
    if queue:
        for delivery in deliveries:
            enqueue(DELIVERY_JOB, delivery_id=delivery.pk)
    return deliveries


@transaction.atomic
def send_ping(*, subscription: Subscription, queue: bool = True) -> Delivery:
    """A ``ping`` event to this one subscription (whatever its events), to check its URL
    and its signature check; tried once (a test, not a business event). ``queue=False``:
    the caller sends it itself (``attempt_delivery``), as `encaisse webhooks test` does."""
    event = Event.objects.create(
        name=PING,
        key=str(uuid.uuid4()),
        payload={"subscription": subscription.pk, "message": "ping from Encaisse"},
    )
    return _deliver(event, [subscription], queue=queue)[0]


def _clean_events(events: Sequence[str]) -> list[str]:
    chosen = [str(e) for e in events]
    if ALL_EVENTS in chosen:
        return [ALL_EVENTS]
    unknown = [e for e in chosen if not is_known_event(e) or e == PING]
    if unknown:
        raise BadInput(_("Events: unknown event %(name)s.") % {"name": unknown[0]})
    if not chosen:
        raise BadInput(_("Events: choose at least one event, or all of them."))
    return sorted(set(chosen), key=list(EVENTS).index)


@transaction.atomic
def create_subscription(
    *, name: str, url: str, events: Sequence[str], created_by: User | None
) -> Subscription:
    """A new active subscription with a newly generated secret."""
    if not name.strip():
        raise BadInput(_("Name: give the subscription a name (e.g. the ERP's)."))
    return Subscription.objects.create(
        name=name.strip(),
        url=check_webhook_url(url),
        events=_clean_events(events),
        created_by=created_by,
    )


@transaction.atomic
def update_subscription(
    *, subscription: Subscription, name: str, url: str, events: Sequence[str]
) -> Subscription:
    if not name.strip():
        raise BadInput(_("Name: give the subscription a name (e.g. the ERP's)."))
    subscription.name = name.strip()
    subscription.url = check_webhook_url(url)
    subscription.events = _clean_events(events)
    subscription.save(update_fields=["name", "url", "events", "updated_at"])
    return subscription


@transaction.atomic
def set_subscription_active(
    *, subscription: Subscription, active: bool, reason: StopReason = StopReason.BY_ADMINISTRATOR
) -> Subscription:
    """Start or stop a subscription. Stopped, its pending deliveries end failed when their
    turn comes; events emitted meanwhile are not delivered to it (replay them if needed)."""
    if active:
        check_webhook_url(subscription.url)
    subscription.active = active
    subscription.stopped_because = "" if active else reason
    subscription.save(update_fields=["active", "stopped_because", "updated_at"])
    return subscription


@transaction.atomic
def rotate_secret(*, subscription: Subscription) -> Subscription:
    """A new secret: the receiver must be given it, deliveries are signed with it from now."""
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


@transaction.atomic
def replay_delivery(*, delivery: Delivery, by: User) -> Delivery:
    """Send a delivered or failed delivery again (a new round of attempts), recorded as a
    replay with who and when: the only way an event reaches a subscription twice."""
    delivery = (
        Delivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
    )
    if delivery.status == DeliveryStatus.PENDING:
        raise BadInput(_("This delivery is still being sent; it cannot be replayed now."))
    if not delivery.subscription.active:
        raise BadInput(
            _("The subscription %(name)s is stopped: start it again before replaying.")
            % {"name": delivery.subscription.name}
        )
    now = timezone.now()
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claimed_by = ""
    delivery.claimed_at = None
    delivery.replays += 1
    delivery.replayed_by = by
    delivery.replayed_at = now
    delivery.save()
    enqueue(DELIVERY_JOB, delivery_id=delivery.pk)
    return delivery

"""Webhook reads for the admin pages and the command (no customer rows here)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from encaisse.webhooks.models import Delivery, DeliveryStatus, Subscription


def subscriptions() -> QuerySet[Subscription]:
    """Every subscription, with how many of its deliveries are pending and failed."""
    return Subscription.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    ).order_by("-active", "name", "pk")


def subscription(pk: int) -> Subscription:
    return Subscription.objects.get(pk=pk)


def subscription_named(name_or_id: str) -> Subscription | None:
    """The subscription of this id, else the one of this name (the command's argument)."""
    if name_or_id.isdigit():
        found = Subscription.objects.filter(pk=int(name_or_id)).first()
        if found is not None:
            return found
    return Subscription.objects.filter(name__iexact=name_or_id.strip()).order_by("pk").first()


def deliveries(
    *, status: str = "", event: str = "", subscription_id: int | None = None
) -> QuerySet[Delivery]:
    """The delivery log, newest first, filtered by status, event name and subscription."""
    rows = Delivery.objects.select_related("event", "subscription").order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    if event:
        rows = rows.filter(event__name=event)
    if subscription_id is not None:
        rows = rows.filter(subscription_id=subscription_id)
    return rows


def delivery(pk: int) -> Delivery:
    return Delivery.objects.select_related("event", "subscription", "replayed_by").get(pk=pk)

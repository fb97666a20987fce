"""Webhooks: who wants which events (Subscription), what happened (Event, recorded once per
idempotency key), and each event's delivery to each subscription (Delivery), with every
attempt kept (DeliveryAttempt). No customer here: payloads carry ids, the pages are admins'."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"  # noqa: S105  # a prefix that tells the secret's kind, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class StopReason(models.TextChoices):
    """Why a subscription is stopped (shown on its page in the reader's language)."""

    BY_ADMINISTRATOR = "administrator", _("Stopped by an administrator.")
    GONE = (
        "gone",
        _(
            "Stopped by Encaisse: the receiver answered 410 Gone (it no longer wants these "
            "events). Start it again once the receiver is back."
        ),
    )


class Subscription(models.Model):
    """A program (the ERP, the TMS) that wants some events POSTed to its URL, signed."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100, default=new_secret)
    # Event names of the catalogue, or ["*"] for every event.
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    stopped_because = models.CharField(max_length=20, choices=StopReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_name: str) -> bool:
        return "*" in self.events or event_name in self.events


class Event(models.Model):
    """Something that happened, recorded once: a second emit with the same name and key is
    the same event (a job run twice, a retried request)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=60, db_index=True)
    key = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "key"], name="webhook_event_recorded_once")
        ]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.name} {self.key}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event to one subscription: sent until the receiver answers 2xx, at most
    ENCAISSE_WEBHOOK_MAX_ATTEMPTS times; sent again only by a replay."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)  # in the current round (see replays)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Who is sending it now (a fencing token) and since when: two workers never both send.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replays = models.PositiveIntegerField(default=0)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replayed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="webhook_delivery_once_per_subscription"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event.name} → {self.subscription.name}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what was sent and what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    round = models.PositiveIntegerField(default=0)  # 0: the first sending; n: the n-th replay
    number = models.PositiveIntegerField()  # within its round
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    request_headers = models.JSONField(default=dict)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.round}.{self.number}"

"""Sending a delivery: claim it, POST the signed JSON, record what came back, and plan the
next attempt with exponential backoff (docs/webhooks.md).

Exactly one sender at a time: a delivery is claimed by a conditional UPDATE (pending, due,
not claimed, or claimed longer ago than a sending can last) before it is sent, and its
outcome is written only while the claim is still its own. The next attempts are started by
``send_due_deliveries``, one of the job layer's recoveries (every minute, and when a worker
or the app starts), which also takes over a delivery whose worker died mid-send.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from encaisse.core.errors import BadInput
from encaisse.core.jobs import enqueue, worker_id
from encaisse.webhooks.addresses import resolve_allowed, split_url
from encaisse.webhooks.catalogue import PING
from encaisse.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    StopReason,
)
from encaisse.webhooks.services import set_subscription_active

logger = logging.getLogger(__name__)

DELIVERY_JOB = "encaisse.webhooks.tasks.deliver_webhook_task"
RESPONSE_KEPT = 2000  # characters of a response kept in the log
RESPONSE_READ = 64 * 1024  # bytes of a response read at most
USER_AGENT = "Encaisse-Webhooks/1"
# A first attempt whose job was lost (the app restarted, Redis was down) is started again
# after this long; retries are started when due.
LOST_FIRST_ATTEMPT_AFTER = dt.timedelta(minutes=1)


def body_of(event: Event) -> bytes:
    """The JSON POSTed for ``event``: the same bytes at every attempt and replay."""
    document = {
        "id": str(event.uid),
        "event": event.name,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256, keyed with the secret, of ``{timestamp}.{body}``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def headers_for(delivery: Delivery, body: bytes, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Encaisse-Event": delivery.event.name,
        "X-Encaisse-Delivery": str(delivery.pk),
        "X-Encaisse-Timestamp": timestamp,
        "X-Encaisse-Signature": signature(delivery.subscription.secret, timestamp, body),
    }


def max_attempts(delivery: Delivery) -> int:
    return 1 if delivery.event.name == PING else int(settings.ENCAISSE_WEBHOOK_MAX_ATTEMPTS)


def backoff(attempts_done: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: the first backoff, doubled each time, at most
    the maximum (1, 2, 4, 8... minutes by default, at most an hour)."""
    first = float(settings.ENCAISSE_WEBHOOK_RETRY_BACKOFF_SECONDS)
    most = float(settings.ENCAISSE_WEBHOOK_RETRY_BACKOFF_MAX_SECONDS)
    return dt.timedelta(seconds=min(first * 2 ** max(attempts_done - 1, 0), most))


def claim_lasts() -> dt.timedelta:
    """How long a claim holds: longer than a sending can take (connect and read timeouts)."""
    return dt.timedelta(seconds=4 * float(settings.ENCAISSE_WEBHOOK_TIMEOUT_SECONDS) + 60)


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """Connects only to an address the SSRF stance allows (checked after resolving)."""

    def connect(self) -> None:
        self.sock = _checked_socket(self.host, self.port, self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = _checked_socket(self.host, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _checked_socket(host: str, port: int, timeout: Any) -> socket.socket:
    last: OSError | None = None
    for address in resolve_allowed(host, port):
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as error:
            last = error
    raise last or OSError(f"cannot connect to {host}")


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body``; what came back (never raises: an error is an Answer without status).
    Redirects are not followed (a 3xx is a failure: change the URL)."""
    try:
        scheme, host, port = split_url(url)
    except BadInput as error:
        return Answer(None, "", str(error))
    timeout = float(settings.ENCAISSE_WEBHOOK_TIMEOUT_SECONDS)
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _CheckedHTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _CheckedHTTPConnection(host, port, timeout=timeout)
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(RESPONSE_READ)
        return Answer(response.status, raw.decode("utf-8", "replace")[:RESPONSE_KEPT], "")
    except BadInput as error:
        return Answer(None, "", str(error))
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, "", f"{type(error).__name__}: {error}"[:RESPONSE_KEPT])
    finally:
        connection.close()


def _claim(delivery_id: int, token: str, now: dt.datetime) -> bool:
    return bool(
        Delivery.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lasts()),
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        ).update(claimed_by=token, claimed_at=now, attempts=F("attempts") + 1)
    )


def attempt_delivery(*, delivery_id: int) -> str | None:
    """Try to send a delivery once, if it is due and no one else is sending it: the status
    it has after this attempt, or None when it was not this sender's to send."""
    now = timezone.now()
    token = f"{worker_id()}:{secrets.token_hex(4)}"
    if not _claim(delivery_id, token, now):
        return None
    delivery = Delivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    mine = Delivery.objects.filter(pk=delivery_id, claimed_by=token)
    if not delivery.subscription.active:
        mine.update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            claimed_by="",
            claimed_at=None,
            attempts=F("attempts") - 1,
            last_error="subscription stopped: not sent (replay it once it is started)",
        )
        return DeliveryStatus.FAILED
    body = body_of(delivery.event)
    headers = headers_for(delivery, body, str(int(time.time())))
    started = time.monotonic()
    answer = post(delivery.subscription.url, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        round=delivery.replays,
        number=delivery.attempts,
        started_at=now,
        duration_ms=duration_ms,
        request_headers=headers,
        status_code=answer.status_code,
        error=answer.error,
        response_excerpt=answer.excerpt,
    )
    return _record(delivery, mine, answer)


def _record(delivery: Delivery, mine: QuerySet[Delivery], answer: Answer) -> str:
    done = timezone.now()
    common = {
        "claimed_by": "",
        "claimed_at": None,
        "last_status_code": answer.status_code,
        "response_excerpt": answer.excerpt,
    }
    code = answer.status_code
    if code is not None and 200 <= code < 300:
        mine.update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=done,
            next_attempt_at=None,
            last_error="",
            **common,
        )
        return DeliveryStatus.DELIVERED
    error = answer.error or f"HTTP {code}"
    if code == 410:
        _stop_subscription(delivery)
        error = "HTTP 410 Gone: subscription stopped"
        mine.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error, **common)
        return DeliveryStatus.FAILED
    if delivery.attempts >= max_attempts(delivery):
        mine.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error, **common)
        if delivery.event.name == PING:  # a test: its answer is shown to who sent it
            return DeliveryStatus.FAILED
        logger.warning(
            "webhook delivery %s (%s to %s) failed for good after %d attempts: %s",
            delivery.pk, delivery.event.name, delivery.subscription.name,
            delivery.attempts, error,
        )  # fmt: skip
        return DeliveryStatus.FAILED
    mine.update(next_attempt_at=done + backoff(delivery.attempts), last_error=error, **common)
    return DeliveryStatus.PENDING


def _stop_subscription(delivery: Delivery) -> None:
    set_subscription_active(
        subscription=delivery.subscription, active=False, reason=StopReason.GONE
    )


def send_due_deliveries(*, at_start: bool = False, now: dt.datetime | None = None) -> int:
    """Start the job of each delivery whose next attempt is due (a retry after its backoff,
    a first attempt whose job was lost, one whose sender died): one of the job layer's
    recoveries (ENCAISSE_JOB_RECOVERIES). Starting one twice is harmless (it is claimed).
    How many were started."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lasts()),
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
    )
    if not at_start:  # a first attempt's own job is probably just queued
        due = due.filter(Q(attempts__gt=0) | Q(next_attempt_at__lt=now - LOST_FIRST_ATTEMPT_AFTER))
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        enqueue(DELIVERY_JOB, delivery_id=delivery_id)
    return len(ids)

"""Notifications: told in the app at once, and by e-mail as the recipient chose (each at once
through the job layer, retried, marked failed after the last try, and sent again when its
job was lost; or in a daily digest, see notification_digest; or not at all)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from encaisse.accounts.models import NotificationDelivery, User
from encaisse.collaboration.models import (
    Notification,
    Task,
)
from encaisse.core.jobs import enqueue
from encaisse.ledger.models import Customer

NOTIFICATION_EMAIL_JOB = "encaisse.collaboration.tasks.send_notification_email_task"
# A notification whose e-mail job was lost (the app restarted, Redis was down) is e-mailed
# when found again, if it is recent enough to still matter.
LOST_EMAIL_AFTER = dt.timedelta(hours=1)
LOST_EMAIL_KEPT_FOR = dt.timedelta(days=1)

# The audience is French companies: a person who chose no language is written to in French.
# Who gets an e-mail for each notification, at once.
E_MAILED_AT_ONCE = {"recipient__notification_delivery": NotificationDelivery.IMMEDIATELY}

logger = logging.getLogger(__name__)


def language_of(user: User | None) -> str:
    """The language to write to ``user`` in: the one they chose in their preferences, else
    the company's (settings.ENCAISSE_DEFAULT_LANGUAGE, French by default). Every text written
    for a person (tasks, notifications, e-mails) is written inside
    ``translation.override(language_of(person))``."""
    return str(getattr(user, "language", "") or settings.ENCAISSE_DEFAULT_LANGUAGE)


def notify(
    *,
    recipient: User,
    title: str,
    body: str = "",
    url: str = "",
    customer: Customer | None = None,
    task: Task | None = None,
    customer_id: int | None = None,
) -> Notification:
    """Tell ``recipient`` in the app now, and by e-mail once the transaction commits when
    they want each notification at once (a digest user's waits for the daily digest).
    ``customer`` (or its ``customer_id``) keeps it inside the recipient's portfolio."""
    notification = Notification.objects.create(
        recipient=recipient,
        title=title[:250],
        body=body,
        url=url,
        customer_id=customer.pk if customer is not None else customer_id,
        task=task,
    )
    if recipient.notification_delivery == NotificationDelivery.IMMEDIATELY:
        enqueue(NOTIFICATION_EMAIL_JOB, notification_id=notification.pk)
    return notification


def mark_notifications_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (only those ``ids`` when given); how many."""
    notifications = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read_at=timezone.now())


def send_notification_email(*, notification_id: int) -> bool:
    """E-mail a notification to its recipient, once: whether it was sent now.

    The notification is claimed (``emailed_at`` set) before sending, so two workers never
    both send it; if sending fails the claim is released and the error raised: the job
    layer tries again (send_notification_email_task), then record_notification_email_failure.
    """
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, recipient__email__gt="", **E_MAILED_AT_ONCE
    ).update(emailed_at=claimed_at)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    link = settings.ENCAISSE_BASE_URL.rstrip("/") + notification.url if notification.url else ""
    with translation.override(language_of(recipient)):
        message = render_to_string(
            "collaboration/email/notification.txt",
            {"notification": notification, "recipient": recipient, "link": link},
        )
    try:
        send_mail(
            subject=notification.title,
            message=message,
            from_email=None,
            recipient_list=[recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def record_notification_email_failure(*, notification_id: int, error: str) -> None:
    """The e-mail of a notification could not be sent, even after retries: say why on it
    (the notification itself stays in the app)."""
    Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        email_error=error
    )


def resend_lost_notification_emails(*, at_start: bool = False) -> int:
    """Queue again the e-mails of recent notifications whose job was lost: all of them
    ``at_start`` (jobs queued in the stopped process are gone), else those waiting for more
    than LOST_EMAIL_AFTER. Sending twice is harmless: a notification is e-mailed once."""
    now = timezone.now()
    waiting = Notification.objects.filter(
        emailed_at__isnull=True,
        email_error="",
        recipient__email__gt="",
        created_at__gte=now - LOST_EMAIL_KEPT_FOR,
        **E_MAILED_AT_ONCE,
    )
    if not at_start:
        waiting = waiting.filter(created_at__lt=now - LOST_EMAIL_AFTER)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:500])
    for notification_id in ids:
        enqueue(NOTIFICATION_EMAIL_JOB, notification_id=notification_id)
    return len(ids)

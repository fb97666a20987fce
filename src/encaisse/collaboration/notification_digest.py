"""The daily e-mail of those who chose it: their notifications not e-mailed yet, once a day,
in their language. Sent at most once per person and day, whatever the number of runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from encaisse.accounts.models import NotificationDelivery, User
from encaisse.collaboration.models import Notification, NotificationDigest
from encaisse.collaboration.notifications import language_of
from encaisse.core.jobs import enqueue

DIGEST_JOB = "encaisse.collaboration.tasks.send_notification_digest_task"
LISTED = 50  # the e-mail lists the latest; the page has them all


def digest_recipients() -> list[int]:
    """Who chose a daily digest and can receive it."""
    return list(
        User.objects.filter(
            is_active=True,
            email__gt="",
            notification_delivery=NotificationDelivery.DAILY_DIGEST,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def start_notification_digests(*, as_of: dt.date) -> int:
    """Queue one digest job per person who chose the digest (each retried on its own)."""
    people = digest_recipients()
    for user_id in people:
        enqueue(DIGEST_JOB, user_id=user_id, as_of=as_of.isoformat())
    return len(people)


def _claim(user: User, day: dt.date) -> tuple[NotificationDigest, list[int]] | None:
    """The day's digest row and the notifications it carries (their ids, newest first),
    claimed together; None when the day's digest exists already or nothing waits."""
    claimed_at = timezone.now()
    with transaction.atomic():
        waiting = list(
            Notification.objects.filter(recipient=user, emailed_at__isnull=True, email_error="")
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)
        )
        if not waiting:
            return None
        try:
            with transaction.atomic():
                digest = NotificationDigest.objects.create(
                    recipient=user, day=day, notification_count=len(waiting)
                )
        except IntegrityError:
            return None  # sent today already (or being sent by a twin job)
        Notification.objects.filter(pk__in=waiting).update(emailed_at=claimed_at)
    return digest, waiting


def send_notification_digest(*, user_id: int, as_of: dt.date) -> bool:
    """E-mail ``user_id`` their notifications not e-mailed yet, once for the day ``as_of``:
    whether an e-mail went out now. If sending fails, the claim is undone and the error
    raised (the job tries again)."""
    user = User.objects.filter(
        pk=user_id, is_active=True, notification_delivery=NotificationDelivery.DAILY_DIGEST
    ).first()
    if user is None or not user.email:
        return False
    claimed = _claim(user, as_of)
    if claimed is None:
        return False
    digest, ids = claimed
    notifications = list(
        Notification.objects.filter(pk__in=ids[:LISTED]).order_by("-created_at", "-pk")
    )
    base = settings.ENCAISSE_BASE_URL.rstrip("/")
    with translation.override(language_of(user)):
        subject = ngettext(
            "Encaisse: %(count)d new notification",
            "Encaisse: %(count)d new notifications",
            digest.notification_count,
        ) % {"count": digest.notification_count}
        message = render_to_string(
            "collaboration/email/digest.txt",
            {
                "recipient": user,
                "items": [(n, base + n.url if n.url else "") for n in notifications],
                "more": digest.notification_count - len(notifications),
                "page": base + "/notifications/",
            },
        )
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(pk__in=ids).update(emailed_at=None)
            digest.delete()
        raise
    return True

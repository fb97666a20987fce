"""Background jobs of collaboration: thin adapters over the services (ids as arguments)."""

from __future__ import annotations

import datetime as dt
import smtplib

from encaisse.collaboration.notification_digest import (
    send_notification_digest,
    start_notification_digests,
)
from encaisse.collaboration.notifications_disputes import notify_overdue_disputes
from encaisse.collaboration.promises import check_promises
from encaisse.collaboration.services import (
    record_notification_email_failure,
    send_notification_email,
)
from encaisse.core.dates import parse_iso_date
from encaisse.core.jobs import job


@job(
    transient=(smtplib.SMTPException, OSError),  # the server refused or could not be reached
    retries=4,
    gave_up=record_notification_email_failure,
)
def send_notification_email_task(notification_id: int) -> bool:
    """E-mail a notification (once, whatever the number of deliveries)."""
    return send_notification_email(notification_id=notification_id)


@job()
def check_promises_task(as_of: str) -> dict[str, int]:
    """The daily check of promises to pay (settings.ENCAISSE_DAILY_JOBS): each pending one
    kept or broken as of that day; safe to run twice."""
    checked = check_promises(as_of=parse_iso_date(as_of, field="as_of"))
    return {"kept": checked.kept, "broken": checked.broken}


@job()
def notify_overdue_disputes_task(as_of: str) -> int:
    """Daily: finance (and the owner) hear once of each dispute past its due date."""
    return notify_overdue_disputes(as_of=parse_iso_date(as_of, field="as_of"))


@job()
def send_notification_digests_task(as_of: str) -> int:
    """Daily (settings.ENCAISSE_DAILY_JOBS): one digest job per person who chose it."""
    return start_notification_digests(as_of=dt.date.fromisoformat(as_of))


@job(transient=(smtplib.SMTPException, OSError), retries=4)
def send_notification_digest_task(user_id: int, as_of: str) -> bool:
    """A person's daily digest for ``as_of`` (once, whatever the number of deliveries)."""
    return send_notification_digest(user_id=user_id, as_of=dt.date.fromisoformat(as_of))

"""Background jobs of collaboration: thin adapters over the services (ids as arguments)."""

from __future__ import annotations

import smtplib

from encaisse.collaboration.services import (
    record_notification_email_failure,
    send_notification_email,
)
from encaisse.core.jobs import job


@job(
    transient=(smtplib.SMTPException, OSError),  # the server refused or could not be reached
    retries=4,
    gave_up=record_notification_email_failure,
)
def send_notification_email_task(notification_id: int) -> bool:
    """E-mail a notification (once, whatever the number of deliveries)."""
    return send_notification_email(notification_id=notification_id)

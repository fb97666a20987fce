"""A notification e-mail the SMTP server keeps refusing is tried a bounded number of times,
then marked failed on the notification and logged as an error, never dropped in silence."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from encaisse.collaboration.models import Notification
from encaisse.collaboration.services import notify, resend_lost_notification_emails


@pytest.mark.django_db(transaction=True)
def test_a_notification_email_that_keeps_failing_is_marked_failed(
    rep_remi, smtp_inbox, jobs_run_inline, caplog
):
    smtp_inbox.refuse.add("remi@example.com")
    with transaction.atomic():
        notification = notify(recipient=rep_remi, title="Appeler Client Rémi 1")
    assert jobs_run_inline == ["encaisse.collaboration.tasks.send_notification_email_task"]
    assert smtp_inbox.refused == ["remi@example.com"] * 5  # the first try and four retries
    assert smtp_inbox.messages == []
    notification = Notification.objects.get(pk=notification.pk)
    assert notification.emailed_at is None
    assert "SMTPRecipientsRefused" in notification.email_error
    assert "mailbox unavailable" in notification.email_error
    [failed] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "failed for good after 5 attempt(s)" in failed.getMessage()
    # Not sent again by the recoveries either: its failure is recorded.
    assert resend_lost_notification_emails(at_start=True) == 0

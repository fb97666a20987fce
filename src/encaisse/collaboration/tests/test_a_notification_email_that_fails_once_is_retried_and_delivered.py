"""A notification e-mail the SMTP server refuses once (a temporary error) is tried again a
little later and delivered, once: in the app's process (no REDIS_URL) and through Celery."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from encaisse.collaboration.models import Notification
from encaisse.collaboration.services import notify


def delivered(inbox, *, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if inbox.messages:
            time.sleep(0.3)  # a second copy would arrive about now
            return True
        time.sleep(0.1)
    return False


def notify_remi(rep_remi) -> Notification:
    with transaction.atomic():  # the e-mail job starts once this commits
        return notify(recipient=rep_remi, title="Appeler Client Rémi 1", url="/tasks/1/")


@pytest.mark.django_db(transaction=True)
def test_in_the_apps_process(rep_remi, smtp_inbox, settings, caplog):
    settings.ENCAISSE_JOB_RETRY_BACKOFF_SECONDS = 0.5
    smtp_inbox.refuse_once.add("remi@example.com")
    notification = notify_remi(rep_remi)
    assert delivered(smtp_inbox)
    assert smtp_inbox.refused == ["remi@example.com"]
    [message] = smtp_inbox.messages
    assert message["To"] == "remi@example.com"
    assert message["Subject"] == "Appeler Client Rémi 1"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_error == ""
    assert "send_notification_email_task" in caplog.text
    assert "attempt 2" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_through_celery(rep_remi, smtp_inbox, celery_workers):
    smtp_inbox.refuse_once.add("remi@example.com")
    celery_workers.start(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_inbox.port),
        ENCAISSE_JOB_RETRY_BACKOFF_SECONDS="0.5",
    )
    notification = notify_remi(rep_remi)
    assert delivered(smtp_inbox, within=60), celery_workers.output()
    assert smtp_inbox.refused == ["remi@example.com"]
    assert len(smtp_inbox.messages) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert "attempt 2" in celery_workers.output()

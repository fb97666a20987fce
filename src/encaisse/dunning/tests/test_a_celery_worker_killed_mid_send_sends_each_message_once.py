"""A Celery worker killed (SIGKILL) in the middle of sending the outbox: its job comes back
to the next worker (never acknowledged), which takes over the dead worker's claims once they
are stale and sends the rest; every message goes out exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest

from encaisse.core.jobs import enqueue
from encaisse.dunning.models import MessageState, OutboundMessage
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.tasks import OUTBOX_JOB
from encaisse.dunning.tests.test_outbox_sends_each_message_once import customer_with_late_invoices

STALE_SECONDS = 6  # a claim older than this is the claim of a dead sender


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_killed_mid_send_sends_each_message_once(
    dunning_ready, smtp_inbox, celery_workers
):
    for index in range(5):
        customer_with_late_invoices(dunning_ready, f"K-{index}", f"k{index}@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_inbox.port),
        "ENCAISSE_OUTBOX_STALE_SECONDS": str(STALE_SECONDS),
        "ENCAISSE_JOB_REDELIVER_AFTER_SECONDS": "3",
    }
    smtp_inbox.hold_for = "k2@client.fr"  # the server stalls in the middle of the third mail
    first = celery_workers.start(**env)
    enqueue(OUTBOX_JOB)
    assert smtp_inbox.holding.wait(timeout=60), celery_workers.output()
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = time.monotonic()
    smtp_inbox.release.set()
    assert len(smtp_inbox.messages) == 2
    assert OutboundMessage.objects.filter(state=MessageState.SENDING).count() == 3

    time.sleep(max(0.0, killed_at + STALE_SECONDS + 1 - time.monotonic()))
    celery_workers.start(**env)  # a worker starts again; nobody enqueues anything
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if OutboundMessage.objects.filter(state=MessageState.SENT).count() == 5:
            break
        time.sleep(0.3)
    time.sleep(0.5)  # a second copy would arrive about now
    assert OutboundMessage.objects.filter(state=MessageState.SENT).count() == 5, (
        celery_workers.output()
    )
    assert sorted(m["To"] for m in smtp_inbox.messages) == [f"k{i}@client.fr" for i in range(5)]
    ids = smtp_inbox.message_ids()
    assert len(ids) == len(set(ids)) == 5

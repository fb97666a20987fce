"""Sending is exactly once: two `encaisse outbox send` at once both succeed, each message is
sent by one of them; a sender marks sent only a message whose claim it still holds."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from encaisse.dunning.models import MessageState, OutboundMessage
from encaisse.dunning.services.outbox import claim_messages, compose_messages, deliver_message
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.tests.test_outbox_sends_each_message_once import customer_with_late_invoices


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two writers at once: PostgreSQL's row locks"
)
@pytest.mark.django_db(transaction=True)
def test_two_outbox_senders_at_once_send_each_message_once(dunning_ready, smtp_inbox, worker_env):
    from conftest import ENCAISSE_COMMAND

    for index in range(12):
        customer_with_late_invoices(dunning_ready, f"TW-{index}", f"tw{index}@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    env = {
        **worker_env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_inbox.port),
    }
    senders = [
        subprocess.Popen(
            [sys.executable, *ENCAISSE_COMMAND, "outbox", "send"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [sender.communicate(timeout=120) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], results
    recipients = sorted(message["To"] for message in smtp_inbox.messages)
    assert recipients == sorted(f"tw{index}@client.fr" for index in range(12))
    assert OutboundMessage.objects.count() == 12
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {MessageState.SENT}


def test_a_sender_that_lost_its_claim_neither_sends_nor_marks(dunning_ready, smtp_inbox):
    customer_with_late_invoices(dunning_ready, "FE-1", "fe@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    compose_messages()
    (message_id,) = claim_messages(worker="A", now=timezone.now(), limit=10)
    # A stalls; its claim goes stale and sender B takes the message over.
    OutboundMessage.objects.filter(pk=message_id).update(
        claimed_by="B", claimed_at=timezone.now() + dt.timedelta(minutes=11)
    )
    assert deliver_message(message_id, worker="A") == MessageState.SENDING
    assert smtp_inbox.messages == []
    assert deliver_message(message_id, worker="B") == MessageState.SENT
    assert len(smtp_inbox.messages) == 1


def test_a_claim_taken_over_while_sending_is_not_marked_by_the_late_sender(
    dunning_ready, smtp_inbox, monkeypatch
):
    from encaisse.dunning.services import outbox

    customer_with_late_invoices(dunning_ready, "FE-2", "fe2@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    compose_messages()
    (message_id,) = claim_messages(worker="A", now=timezone.now(), limit=10)
    deliver = outbox._deliver

    def slow_deliver(message, facts):  # the SMTP server answers after the claim went stale
        OutboundMessage.objects.filter(pk=message.pk).update(claimed_by="B")
        return deliver(message, facts)

    monkeypatch.setattr(outbox, "_deliver", slow_deliver)
    assert deliver_message(message_id, worker="A") == MessageState.SENDING
    message = OutboundMessage.objects.get(pk=message_id)
    assert (message.state, message.claimed_by, message.sent_at) == (MessageState.SENDING, "B", None)

"""The outbox sends each e-mail, letter and SMS once, through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from encaisse.dunning.models import (
    ActionState,
    DeliveryStatus,
    DunningAction,
    MessageState,
    OutboundMessage,
)
from encaisse.dunning.services.decisions import approve_action
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory


def customer_with_late_invoices(
    entity,
    external_id,
    email,
    *,
    days_late=10,
    segment="sme",
    country="FR",
    phone="+33 6 12 34 56 78",
):
    customer = CustomerFactory(
        entity=entity,
        external_id=external_id,
        segment=segment,
        name=f"Client {external_id}",
        country=country,
        address="3 rue des Lilas",
        postal_code="69003",
        city="Lyon",
    )
    ContactFactory(customer=customer, name="Claire Compta", email=email, phone=phone)
    due = dt.date(2026, 3, 1)
    for index in (1, 2):
        InvoiceFactory(
            customer=customer,
            number=f"{external_id}-F{index}",
            issue_date=dt.date(2026, 1, 30),
            due_date=due,
            amount=Decimal("1234.56"),
        )
    return customer, due + dt.timedelta(days=days_late)


def test_a_reminder_email_goes_out_once_with_its_invoices_and_qr_code(dunning_ready, smtp_inbox):
    customer, day = customer_with_late_invoices(dunning_ready, "SME-1", "claire@client.fr")
    execute_dunning_run(as_of=day)
    report = send_outbox()
    assert report.by_state == {"sent": 1}
    (message,) = smtp_inbox.messages
    assert message["To"] == "claire@client.fr"
    assert message["Reply-To"] == "relances@transports-rhone-loire.fr"
    assert "factures échues" in message["Subject"]
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    body = text.get_content()
    assert "SME-1-F1" in body
    assert "SME-1-F2" in body
    assert "2\u202f469,12\u00a0€" in body  # 2 x 1 234,56 €
    assert "FR7630006000011234567890189" in body
    assert f"référence {customer.creditor_reference}" in body  # RF..: the bank line names it
    assert any(part.get_content_type() == "image/png" for part in message.walk())
    stored = OutboundMessage.objects.get()
    assert stored.message_id == str(message["Message-ID"]).strip()
    assert stored.action.state == ActionState.SENT

    assert send_outbox().by_state == {}
    assert len(smtp_inbox.messages) == 1


def test_english_speaking_customers_get_english(dunning_ready, smtp_inbox):
    _customer, day = customer_with_late_invoices(
        dunning_ready, "UK-1", "ap@client.co.uk", country="GB"
    )
    execute_dunning_run(as_of=day)
    send_outbox()
    assert "overdue invoices" in smtp_inbox.messages[0]["Subject"]


def test_a_refused_address_is_retried_later_then_shown_as_failed(
    dunning_ready, smtp_inbox, settings
):
    settings.ENCAISSE_OUTBOX_MAX_ATTEMPTS = 2
    smtp_inbox.refuse.add("gone@client.fr")
    _customer, day = customer_with_late_invoices(dunning_ready, "SME-2", "gone@client.fr")
    execute_dunning_run(as_of=day)
    assert send_outbox().by_state == {"pending": 1}
    message = OutboundMessage.objects.get()
    assert message.next_attempt_at > message.claimed_at  # waits before the next attempt
    OutboundMessage.objects.update(next_attempt_at=message.claimed_at)
    assert send_outbox().by_state == {"failed": 1}
    message.refresh_from_db()
    assert "gone@client.fr" in message.last_error
    assert message.action.state == ActionState.FAILED


def test_a_customer_without_email_fails_with_a_clear_reason(dunning_ready, smtp_inbox):
    _customer, day = customer_with_late_invoices(dunning_ready, "SME-3", "")
    execute_dunning_run(as_of=day)
    assert send_outbox().by_state == {"failed": 1}
    assert "no e-mail address" in OutboundMessage.objects.get().last_error


def test_a_formal_notice_waits_for_approval_then_becomes_a_pdf_letter(
    dunning_ready, smtp_inbox, settings, finance_fanny
):
    _customer, day = customer_with_late_invoices(
        dunning_ready, "SME-4", "c@client.fr", days_late=50
    )
    execute_dunning_run(as_of=day)
    notice = DunningAction.objects.get(step__key="formal_notice")
    assert notice.state == ActionState.AWAITING_APPROVAL
    assert send_outbox().by_state == {}
    approve_action(action=notice, approved_by=finance_fanny)  # what finance's click calls
    assert send_outbox().by_state == {"sent": 1}
    letter = OutboundMessage.objects.get(channel="letter")
    content = (Path(settings.DATA_DIR) / letter.document).read_bytes()
    assert content.startswith(b"%PDF")
    assert "Client SME-4" in letter.recipient
    assert "L441-10" in letter.body
    assert smtp_inbox.messages == []


def test_an_sms_is_recorded_by_the_default_gateway(dunning_ready, smtp_inbox):
    customer_with_late_invoices(dunning_ready, "SME-5", "c@client.fr")
    # First seen 38 days late: it starts at the SMS step it has reached.
    execute_dunning_run(as_of=dt.date(2026, 4, 8))
    send_outbox()
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.state == MessageState.SENT
    assert sms.recipient == "+33 6 12 34 56 78"
    assert "2 factures impayées" in sms.body


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_is_recovered_without_duplicate_or_loss(
    dunning_ready, smtp_inbox, worker_env
):
    import os
    import signal
    import subprocess
    import sys

    from conftest import ENCAISSE_COMMAND

    for index in range(5):
        customer_with_late_invoices(dunning_ready, f"K-{index}", f"k{index}@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    smtp_inbox.hold_for = "k2@client.fr"  # the server stalls in the middle of the third mail
    env = {
        **worker_env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_inbox.port),
    }
    worker = subprocess.Popen(
        [sys.executable, *ENCAISSE_COMMAND, "outbox", "send"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert smtp_inbox.holding.wait(timeout=60), worker.communicate(timeout=5)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    smtp_inbox.release.set()
    assert len(smtp_inbox.messages) == 2
    stuck = OutboundMessage.objects.filter(state=MessageState.SENDING).count()
    assert stuck == 3  # the one in flight and the two claimed after it

    assert send_outbox(stale_after=dt.timedelta(seconds=30)).by_state == {}  # still claimed
    report = send_outbox(stale_after=dt.timedelta(0))  # the claim is now considered stale
    assert report.recovered == 3
    assert sorted(m["To"] for m in smtp_inbox.messages) == [f"k{i}@client.fr" for i in range(5)]
    ids = smtp_inbox.message_ids()
    assert len(ids) == len(set(ids)) == 5
    assert OutboundMessage.objects.filter(state=MessageState.SENT).count() == 5


def test_finance_prints_the_days_letters_in_one_pdf_and_the_rep_reads_what_was_sent(
    client, dunning_ready, smtp_inbox, finance_fanny, rep_remi
):
    from pypdf import PdfReader

    for index in (1, 2):
        customer, _day = customer_with_late_invoices(
            dunning_ready, f"L-{index}", f"l{index}@client.fr", days_late=50
        )
        customer.sales_rep = rep_remi
        customer.save()
    execute_dunning_run(as_of=dt.date(2026, 4, 20))
    for notice in DunningAction.objects.filter(step__key="formal_notice"):
        approve_action(action=notice, approved_by=finance_fanny)
    send_outbox()
    client.force_login(finance_fanny)
    day = {"day": timezone.localdate().isoformat()}
    response = client.post("/dunning/letters/print.pdf", day)
    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2
    assert {m.status for m in OutboundMessage.objects.filter(channel="letter")} == {
        DeliveryStatus.PRINTED
    }
    client.force_login(rep_remi)
    letter = OutboundMessage.objects.filter(channel="letter").first()
    assert client.get(f"/dunning/messages/{letter.pk}/").status_code == 200
    assert client.get(f"/dunning/messages/{letter.pk}/letter.pdf").status_code == 200
    assert client.post("/dunning/letters/print.pdf", day).status_code == 404

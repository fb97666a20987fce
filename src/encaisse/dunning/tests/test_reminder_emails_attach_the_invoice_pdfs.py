"""A reminder e-mail attaches the kept PDF of each invoice it lists, within a size bound;
an invoice left out for size is named in the message."""

from __future__ import annotations

import pytest

from encaisse.dunning.models import OutboundMessage
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.tests.test_outbox_sends_each_message_once import customer_with_late_invoices
from encaisse.ledger.services import record_invoice_document


def pdf(label: str, size: int = 0) -> bytes:
    return b"%PDF-1.7\n% " + label.encode() + b"\n" + b"0" * size + b"\n%%EOF\n"


@pytest.fixture
def late_customer(dunning_ready, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    customer, day = customer_with_late_invoices(dunning_ready, "SME-9", "claire@client.fr")
    return customer, day


def attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    }


def test_the_reminder_attaches_the_pdf_of_each_listed_invoice(late_customer, smtp_inbox):
    customer, day = late_customer
    first, second = customer.invoices.order_by("number")
    record_invoice_document(invoice=first, content=pdf("F1"), file_name="scan 1.pdf")
    record_invoice_document(invoice=second, content=pdf("F2-old"), file_name="old.pdf")
    record_invoice_document(invoice=second, content=pdf("F2"), file_name="new.pdf")
    execute_dunning_run(as_of=day)
    assert send_outbox().by_state == {"sent": 1}
    (message,) = smtp_inbox.messages
    assert attachments(message) == {"SME-9-F1.pdf": pdf("F1"), "SME-9-F2.pdf": pdf("F2")}
    assert any(part.get_content_type() == "image/png" for part in message.walk())  # QR kept


def test_pdfs_beyond_the_size_bound_are_left_out_and_named(late_customer, smtp_inbox, settings):
    settings.ENCAISSE_EMAIL_ATTACHMENTS_MAX_BYTES = 2000
    customer, day = late_customer
    first, second = customer.invoices.order_by("number")
    record_invoice_document(invoice=first, content=pdf("F1", 1000), file_name="1.pdf")
    record_invoice_document(invoice=second, content=pdf("F2", 1500), file_name="2.pdf")
    execute_dunning_run(as_of=day)
    send_outbox()
    (message,) = smtp_inbox.messages
    assert list(attachments(message)) == ["SME-9-F1.pdf"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "ne sont pas jointes (pièces jointes trop lourdes)" in body
    assert "SME-9-F2." in body
    assert "SME-9-F2" in OutboundMessage.objects.get().body  # what was sent is recorded


def test_a_reminder_without_kept_pdfs_goes_out_as_before(late_customer, smtp_inbox):
    _customer, day = late_customer
    execute_dunning_run(as_of=day)
    send_outbox()
    assert attachments(smtp_inbox.messages[0]) == {}

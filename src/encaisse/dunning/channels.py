"""How each channel delivers a composed message: SMTP e-mail, a PDF letter, an SMS gateway."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from encaisse.dunning.models import OutboundMessage

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel refused the message for good (no point in trying again)."""


def send_email(
    message: OutboundMessage,
    *,
    sender: str,
    reply_to: str,
    attachments: list[tuple[str, bytes, str]],
) -> None:
    if not message.recipient:
        raise DeliveryError("no e-mail address for this customer (add a contact's e-mail)")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=sender,
        to=[address.strip() for address in message.recipient.split(",")],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message.message_id},
    )
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    email.send(fail_silently=False)


def write_letter(message: OutboundMessage, pdf: bytes) -> str:
    """Store the letter's PDF for printing; returns its path relative to the data folder."""
    relative = Path("letters") / f"{message.created_at:%Y/%m}" / f"letter-{message.pk}.pdf"
    target = Path(settings.DATA_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    return str(relative)


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class RecordingSmsBackend:
    """The default gateway: the outbox row is the record; nothing leaves the machine."""

    def send(self, *, to: str, text: str) -> None:
        if not to:
            raise DeliveryError("no mobile number for this customer")
        logger.info("SMS to %s: %s", to, text)


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.ENCAISSE_SMS_BACKEND)()
    return backend


def letters_in_one_pdf(documents: list[str]) -> bytes:
    """The letters' PDFs one after the other, to print the day's batch in one go."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for relative in documents:
        path = Path(settings.DATA_DIR) / relative
        if path.is_file():
            writer.append(str(path))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

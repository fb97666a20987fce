"""The outbox: compose the message of each planned action, then send each exactly once.

Composing and sending are separate steps: a run only records actions; the outbox renders
them (template, invoices, penalties, bank details, QR code) and then workers claim messages
(``SELECT ... FOR UPDATE SKIP LOCKED``), send them and mark them sent, one transaction per
message, so two workers never send the same message and a crash loses at most a claim.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import socket
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import make_msgid
from typing import Any

import segno.helpers
from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation

from encaisse.core.templatetags.encaisse import money
from encaisse.dunning.channels import DeliveryError, send_email, sms_backend, write_letter
from encaisse.dunning.models import (
    ActionItem,
    ActionState,
    DunningAction,
    MessageState,
    MessageTemplate,
    OutboundMessage,
)
from encaisse.dunning.penalties import RECOVERY_INDEMNITY, late_interest
from encaisse.ledger.models import Contact, Customer, LegalEntity
from encaisse.ledger.selectors import latest_invoice_documents

logger = logging.getLogger(__name__)

WRITTEN_CHANNELS = ("email", "letter", "sms")
FRENCH_SPEAKING = {"FR", "BE", "LU", "CH", "MC"}


def customer_language(customer: Customer) -> str:
    return "fr" if customer.country.upper() in FRENCH_SPEAKING else "en"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ----------------------------------------------------------------------------- composing


def _collection_contact(customer: Customer) -> Contact | None:
    contacts = list(customer.contacts.all())
    return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)


def _recipient(customer: Customer, channel: str) -> str:
    contact = _collection_contact(customer)
    if channel == "email":
        return (contact.email if contact and contact.email else customer.email) or ""
    if channel == "sms":
        return (contact.phone if contact and contact.phone else customer.phone) or ""
    lines = [customer.name, customer.address, f"{customer.postal_code} {customer.city}".strip()]
    return "\n".join(line for line in lines if line)


def payment_reference(action: DunningAction) -> str:
    return f"{action.customer.external_id}-{action.pk}"


def epc_qr_png(entity: LegalEntity, amount: Decimal, reference: str) -> bytes | None:
    """The EPC (SEPA credit transfer) QR code a banking app scans; None without an IBAN."""
    if not entity.iban or amount <= 0 or amount > Decimal("999999999.99"):
        return None
    qr = segno.helpers.make_epc_qr(
        name=entity.name[:70],
        iban=entity.iban.replace(" ", ""),
        amount=amount,
        text=reference[:140],
        bic=entity.bic or None,
    )
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    issue_date: dt.date
    due_date: dt.date
    days_past_due: int
    open_amount: Decimal
    open_amount_display: str
    interest: Decimal


def _invoice_table(lines: list[InvoiceLine], language: str) -> str:
    date_format, days = ("%d/%m/%Y", "j") if language == "fr" else ("%Y-%m-%d", "d")
    return "\n".join(
        f"  {line.number:<16} {line.due_date.strftime(date_format)}  "
        f"{line.days_past_due:>4} {days}  {line.open_amount_display:>14}"
        for line in lines
    )


def message_context(
    action: DunningAction, items: list[ActionItem], language: str
) -> dict[str, Any]:
    """What a template may use: customer, contact, invoices, totals, penalties, bank details."""
    rate = Decimal(settings.ENCAISSE_LATE_INTEREST_RATE)
    customer = action.customer
    contact = _collection_contact(customer)
    currency = items[0].invoice.currency if items else "EUR"
    with translation.override(language):
        lines = [
            InvoiceLine(
                number=item.invoice.number,
                issue_date=item.invoice.issue_date,
                due_date=item.invoice.due_date,
                days_past_due=item.days_past_due,
                open_amount=item.open_amount,
                open_amount_display=money(item.open_amount, item.invoice.currency),
                interest=late_interest(item.open_amount, item.days_past_due, rate),
            )
            for item in items
        ]
        total = sum((line.open_amount for line in lines), Decimal("0"))
        interest = sum((line.interest for line in lines), Decimal("0"))
        late_count = sum(1 for line in lines if line.days_past_due > 0)
        return {
            "customer": customer,
            "contact_name": contact.name if contact else customer.name,
            "entity": customer.entity,
            "invoices": lines,
            "invoice_count": len(lines),
            "invoice_table": _invoice_table(lines, language),
            "total_due_amount": total,
            "total_due": money(total, currency),
            "max_days_past_due": max((line.days_past_due for line in lines), default=0),
            "interest_rate": str(rate).replace(".", ",") if language == "fr" else str(rate),
            "interest_total": money(interest, currency),
            "indemnity_total": money(RECOVERY_INDEMNITY * late_count, currency),
            "payment_reference": payment_reference(action),
            "today": timezone.localdate(),
        }


def _template_for(key: str, language: str) -> MessageTemplate | None:
    return (
        MessageTemplate.objects.filter(key=key, language=language).first()
        or MessageTemplate.objects.filter(key=key).order_by("language").first()
    )


def render_template_text(text: str, context: dict[str, Any]) -> str:
    engine = engines["django"]
    # Plain-text messages: no HTML escaping of names like "Dupont & Fils".
    return engine.from_string("{% autoescape off %}" + text + "{% endautoescape %}").render(context)


def compose_messages(limit: int = 500) -> int:
    """Render the message of each planned written action that has none yet."""
    actions = list(
        DunningAction.objects.filter(
            state=ActionState.PLANNED, step__channel__in=WRITTEN_CHANNELS, message__isnull=True
        )
        .select_related("customer__entity", "step")
        .prefetch_related(
            Prefetch("items", queryset=ActionItem.objects.select_related("invoice")),
            "customer__contacts",
        )
        .order_by("pk")[:limit]
    )
    messages = []
    for action in actions:
        language = customer_language(action.customer)
        template = _template_for(action.step.template, language)
        context = message_context(action, list(action.items.all()), language)
        if template is None:
            subject, body, error = "", "", f"no template '{action.step.template}'"
        else:
            subject = render_template_text(template.subject, context)
            body, error = render_template_text(template.body, context), ""
        domain = (action.customer.entity.email or "encaisse.local").rpartition("@")[2]
        is_email = action.step.channel == "email"
        messages.append(
            OutboundMessage(
                action=action,
                channel=action.step.channel,
                language=language,
                recipient=_recipient(action.customer, action.step.channel),
                subject=subject.strip(),
                body=body,
                message_id=make_msgid("relance", domain=domain) if is_email else "",
                state=MessageState.FAILED if error else MessageState.PENDING,
                last_error=error,
                next_attempt_at=timezone.now(),
            )
        )
    OutboundMessage.objects.bulk_create(messages)
    return len(messages)


# ------------------------------------------------------------------------------ sending


def recover_stale_claims(*, now: dt.datetime, stale_after: dt.timedelta) -> int:
    """Messages claimed by a worker that died go back to the queue (same Message-ID)."""
    return OutboundMessage.objects.filter(
        state=MessageState.SENDING, claimed_at__lt=now - stale_after
    ).update(state=MessageState.PENDING, claimed_by="", next_attempt_at=now)


def claim_messages(*, worker: str, now: dt.datetime, limit: int) -> list[int]:
    """Take up to ``limit`` messages due for sending; no other worker can take them."""
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(state=MessageState.PENDING, next_attempt_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboundMessage.objects.filter(pk__in=ids).update(
            state=MessageState.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=F("attempts") + 1,
        )
    return ids


def _letter_pdf(message: OutboundMessage, context: dict[str, Any], qr: bytes | None) -> bytes:
    import base64

    from weasyprint import HTML  # imported late: it loads Pango

    html = render_to_string(
        "dunning/letter.html",
        {
            **context,
            "message": message,
            "paragraphs": [" ".join(p.split()) for p in message.body.split("\n\n")],
            "qr_data_uri": "data:image/png;base64," + base64.b64encode(qr).decode() if qr else "",
        },
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def _deliver(message: OutboundMessage) -> str:
    """Send through the channel; returns the document path for letters."""
    action = message.action
    items = list(action.items.select_related("invoice"))
    entity = action.customer.entity
    context = message_context(action, items, message.language)
    qr = epc_qr_png(entity, context["total_due_amount"], context["payment_reference"])
    if message.channel == "email":
        attachments = (
            [
                (
                    "virement-sepa.png" if message.language == "fr" else "sepa-transfer.png",
                    qr,
                    "image/png",
                )
            ]
            if qr
            else []
        )
        pdfs, left_out = invoice_pdfs(items)
        attachments += pdfs
        if left_out:
            _mention_left_out(message, left_out)
        send_email(
            message,
            sender=entity.email or settings.DEFAULT_FROM_EMAIL,
            reply_to=entity.email,
            attachments=attachments,
        )
        return ""
    if message.channel == "sms":
        sms_backend().send(to=message.recipient, text=message.body.strip())
        return ""
    with translation.override(message.language):
        return write_letter(message, _letter_pdf(message, context, qr))


def invoice_pdfs(items: list[ActionItem]) -> tuple[list[tuple[str, bytes, str]], list[str]]:
    """The kept PDFs of the invoices a message lists, as attachments, within the size
    budget (ENCAISSE_EMAIL_ATTACHMENTS_MAX_BYTES); and the numbers of those left out."""
    documents = latest_invoice_documents([item.invoice_id for item in items])
    budget = int(settings.ENCAISSE_EMAIL_ATTACHMENTS_MAX_BYTES)
    attached: list[tuple[str, bytes, str]] = []
    left_out: list[str] = []
    for item in items:
        document = documents.get(item.invoice_id)
        if document is None:
            continue
        number = item.invoice.number
        if document.size > budget:
            left_out.append(number)
            continue
        try:
            with document.file.open("rb") as handle:
                content = handle.read()
        except OSError as error:  # the file went missing: send the reminder without it
            logger.warning("invoice %s: its PDF cannot be read: %s", number, error)
            continue
        budget -= len(content)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-") or "facture"
        attached.append((f"{safe}.pdf", content, "application/pdf"))
    return attached, left_out


def _mention_left_out(message: OutboundMessage, numbers: list[str]) -> None:
    """Say in the message which invoices are not attached (the size bound), once."""
    if message.language == "fr":
        line = (
            "Les factures suivantes ne sont pas jointes (pièces jointes trop lourdes), "
            f"nous vous les envoyons sur demande : {', '.join(numbers)}."
        )
    else:
        line = (
            "These invoices are not attached (attachments too large); we send them on "
            f"request: {', '.join(numbers)}."
        )
    if line not in message.body:
        message.body = f"{message.body.rstrip()}\n\n{line}\n"
        OutboundMessage.objects.filter(pk=message.pk).update(body=message.body)


def deliver_message(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one claimed message and record the result; returns its new state."""
    message = OutboundMessage.objects.select_related("action__customer__entity").get(pk=message_id)
    if message.state != MessageState.SENDING:
        return str(message.state)
    try:
        document = _deliver(message)
    except Exception as error:
        return _record_failure(message, error, now or timezone.now())
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.SENT, sent_at=timezone.now(), document=document, last_error=""
        )
        DunningAction.objects.filter(pk=message.action_id).update(state=ActionState.SENT)
    return MessageState.SENT


def _record_failure(message: OutboundMessage, error: Exception, now: dt.datetime) -> str:
    final = isinstance(error, DeliveryError) or (
        message.attempts >= settings.ENCAISSE_OUTBOX_MAX_ATTEMPTS
    )
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        if final:
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=MessageState.FAILED, last_error=text
            )
            DunningAction.objects.filter(pk=message.action_id).update(state=ActionState.FAILED)
            return MessageState.FAILED
        delay = dt.timedelta(minutes=2**message.attempts)  # 2, 4, 8, 16 minutes
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.PENDING, last_error=text, next_attempt_at=now + delay
        )
    return MessageState.PENDING


@dataclass
class OutboxReport:
    composed: int = 0
    recovered: int = 0
    by_state: dict[str, int] = field(default_factory=dict)


def send_outbox(
    *, worker: str | None = None, stale_after: dt.timedelta | None = None, batch: int = 50
) -> OutboxReport:
    """Compose what is planned and send everything due, until the queue is empty."""
    worker = worker or worker_name()
    stale_after = (
        stale_after
        if stale_after is not None
        else dt.timedelta(seconds=settings.ENCAISSE_OUTBOX_STALE_SECONDS)
    )
    report = OutboxReport()
    report.recovered = recover_stale_claims(now=timezone.now(), stale_after=stale_after)
    while composed := compose_messages():
        report.composed += composed
    while ids := claim_messages(worker=worker, now=timezone.now(), limit=batch):
        for message_id in ids:
            state = deliver_message(message_id)
            report.by_state[state] = report.by_state.get(state, 0) + 1
    return report

"""The outbox: compose the message of each planned action (``composition``), then send each
exactly once.

Composing and sending are separate steps: a run only records actions; the outbox renders
them (template, invoices, penalties, bank details, QR code) and then workers claim messages
(``SELECT ... FOR UPDATE SKIP LOCKED``), send them and mark them sent, one transaction per
message, so two workers never send the same message and a crash loses at most a claim.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from encaisse.core.money import money_str
from encaisse.dunning.channels import DeliveryError, send_email, sms_backend, write_letter
from encaisse.dunning.composing.document import epc_qr_png, letter_document
from encaisse.dunning.composing.facts import (
    MessageFacts,
)
from encaisse.dunning.models import (
    ActionItem,
    ActionState,
    DunningAction,
    MessageState,
    OutboundMessage,
)
from encaisse.dunning.services.composition import (
    compose_messages,
    customer_language,
    message_facts,
    payment_reference,
    recompose_legacy_message,
    render_message,
    worker_name,
)
from encaisse.dunning.states import move_actions
from encaisse.ledger.selectors import latest_invoice_documents
from encaisse.webhooks.services import emit

logger = logging.getLogger(__name__)

__all__ = [
    "OutboxReport",
    "claim_messages",
    "compose_messages",
    "customer_language",
    "deliver_message",
    "message_facts",
    "payment_reference",
    "recompose_legacy_message",
    "recover_stale_claims",
    "render_message",
    "send_outbox",
    "worker_name",
]

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


def _letter_pdf(message: OutboundMessage, facts: MessageFacts) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango

    with translation.override(message.language):
        html = render_to_string("dunning/letter.html", {"letter": letter_document(message, facts)})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def _deliver(message: OutboundMessage, facts: MessageFacts) -> str:
    """Send through the channel; returns the document path for letters."""
    action = message.action
    numbers = {line.number for line in facts.lines}
    items = [
        item for item in action.items.select_related("invoice") if item.invoice.number in numbers
    ]
    entity = action.customer.entity
    if message.channel == "email":
        qr = epc_qr_png(facts)
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
    return write_letter(message, _letter_pdf(message, facts))


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


def _holding_claim(message: OutboundMessage) -> QuerySet[OutboundMessage]:
    """The message as long as it is still this sender's: its claim (who, when) is the fencing
    token. A claim recovered as stale and taken by another sender no longer matches."""
    return OutboundMessage.objects.filter(
        pk=message.pk,
        state=MessageState.SENDING,
        claimed_by=message.claimed_by,
        claimed_at=message.claimed_at,
    )


def deliver_message(
    message_id: int, *, worker: str | None = None, now: dt.datetime | None = None
) -> str:
    """Send one claimed message and record the result, only while the claim is still this
    sender's (``worker``: the one that claimed it); returns its new state."""
    message = OutboundMessage.objects.select_related(
        "action__customer__entity", "action__step"
    ).get(pk=message_id)
    if message.state != MessageState.SENDING:
        return str(message.state)
    if worker is not None and message.claimed_by != worker:
        return MessageState.SENDING  # recovered and claimed by another sender meanwhile
    try:
        if message.facts is None:  # composed before the sandbox: never sent as it was written
            recompose_legacy_message(message)
        facts = MessageFacts.from_json(message.facts or {})
        document = _deliver(message, facts)
    except Exception as error:
        return _record_failure(message, error, now or timezone.now())
    with transaction.atomic():
        held = _holding_claim(message).update(
            state=MessageState.SENT, sent_at=timezone.now(), document=document, last_error=""
        )
        if not held:  # another sender took the message over: its result stands
            logger.warning("message %s: the claim was lost while sending", message.pk)
            return MessageState.SENDING
        move_actions(DunningAction.objects.filter(pk=message.action_id), to=ActionState.SENT)
        action = message.action
        emit(
            "reminder.sent",
            {
                "message_id": message.pk,
                "customer_id": action.customer_id,
                "customer_external_id": action.customer.external_id,
                "channel": message.channel,
                "step": action.step.key,
                "amount": money_str(action.amount),
                "recipient": message.recipient,
                "sent_on": timezone.localdate().isoformat(),
            },
            key=f"message:{message.pk}",
        )
    return MessageState.SENT


def _record_failure(message: OutboundMessage, error: Exception, now: dt.datetime) -> str:
    final = isinstance(error, DeliveryError) or (
        message.attempts >= settings.ENCAISSE_OUTBOX_MAX_ATTEMPTS
    )
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        if final:
            if not _holding_claim(message).update(state=MessageState.FAILED, last_error=text):
                return MessageState.SENDING  # another sender holds it now
            move_actions(
                DunningAction.objects.filter(pk=message.action_id),
                to=ActionState.FAILED,
                note=text[:300],
            )
            return MessageState.FAILED
        delay = dt.timedelta(minutes=2**message.attempts)  # 2, 4, 8, 16 minutes
        _holding_claim(message).update(
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
            state = deliver_message(message_id, worker=worker)
            report.by_state[state] = report.by_state.get(state, 0) + 1
    return report

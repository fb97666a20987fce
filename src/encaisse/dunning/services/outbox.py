"""The outbox: compose the message of each planned action, then send each exactly once.

Composing and sending are separate steps: a run only records actions; the outbox renders
them (template, invoices, penalties, bank details, QR code) and then workers claim messages
(``SELECT ... FOR UPDATE SKIP LOCKED``), send them and mark them sent, one transaction per
message, so two workers never send the same message and a crash loses at most a claim.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from encaisse.core.dates import today
from encaisse.dunning.channels import DeliveryError, send_email, sms_backend, write_letter
from encaisse.dunning.composing.document import epc_qr_png, letter_document
from encaisse.dunning.composing.facts import (
    ContactFacts,
    CustomerFacts,
    EntityFacts,
    MessageFacts,
    OpenInvoice,
    SenderFacts,
    invoice_lines,
)
from encaisse.dunning.composing.sandbox import TemplateRefused, render_template
from encaisse.dunning.composing.variables import template_context
from encaisse.dunning.engine import Channel
from encaisse.dunning.models import (
    PAID_BEFORE_SENDING,
    ActionItem,
    ActionState,
    DunningAction,
    MessageState,
    MessageTemplate,
    OutboundMessage,
)
from encaisse.dunning.states import move_actions
from encaisse.ledger.models import Contact, Customer
from encaisse.ledger.selectors import latest_invoice_documents

logger = logging.getLogger(__name__)

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
    """The customer's creditor reference (RF..): a transfer quoting it is matched to it."""
    return action.customer.creditor_reference


def reminded_invoices(action_ids: list[int]) -> set[int]:
    """Which invoices of these actions an earlier step already reached: a reminder that went
    out, or a call or task whose outcome is recorded."""
    return set(
        ActionItem.objects.filter(
            invoice_id__in=ActionItem.objects.filter(action_id__in=action_ids).values("invoice_id"),
            action__state__in=(ActionState.SENT, ActionState.DONE),
        ).values_list("invoice_id", flat=True)
    )


def message_facts(
    action: DunningAction,
    items: list[ActionItem],
    *,
    as_of: dt.date,
    language: str,
    reminded: set[int],
) -> MessageFacts:
    """What the message states, as of the day it is produced: the invoices' open amounts as
    the ledger has them now (settled ones left out), days past due and interest to
    ``as_of``, whether each was reminded before, the customer, the contact, the company and
    its bank details."""
    customer = action.customer
    entity = customer.entity
    contact = _collection_contact(customer)
    rate = Decimal(settings.ENCAISSE_LATE_INTEREST_RATE)
    with translation.override(language):
        sender_name = _("Accounts receivable")
    return MessageFacts(
        as_of=as_of,
        language=language,
        customer=CustomerFacts(
            name=customer.name,
            external_id=customer.external_id,
            siren=customer.siren,
            siret=customer.siret,
            vat_number=customer.vat_number,
            address=customer.address,
            postal_code=customer.postal_code,
            city=customer.city,
            country=customer.country,
        ),
        contact=ContactFacts(
            name=contact.name, job_title=contact.job_title, email=contact.email, phone=contact.phone
        )
        if contact
        else ContactFacts(name=customer.name, email=customer.email, phone=customer.phone),
        entity=EntityFacts(
            name=entity.name,
            address=entity.address,
            siren=entity.siren,
            vat_number=entity.vat_number,
            iban=entity.iban,
            bic=entity.bic,
            email=entity.email,
            logo=entity.logo.name if entity.logo else "",
        ),
        sender=SenderFacts(name=sender_name, email=entity.email or settings.DEFAULT_FROM_EMAIL),
        payment_reference=payment_reference(action),
        interest_rate=rate,
        lines=invoice_lines(
            [
                OpenInvoice(
                    number=item.invoice.number,
                    issue_date=item.invoice.issue_date,
                    due_date=item.invoice.due_date,
                    open_amount=item.invoice.open_amount,
                    currency=item.invoice.currency,
                    reminded=item.invoice_id in reminded,
                )
                for item in items
            ],
            as_of=as_of,
            interest_rate=rate,
        ),
    )


def _template_for(key: str, language: str) -> MessageTemplate | None:
    return (
        MessageTemplate.objects.filter(key=key, language=language).first()
        or MessageTemplate.objects.filter(key=key).order_by("language").first()
    )


def render_message(subject: str, body: str, facts: MessageFacts) -> tuple[str, str]:
    """(subject, body) rendered in the sandbox from the facts alone, in their language;
    TemplateRefused when the template reads outside its variables or costs too much."""
    context = template_context(facts)
    with translation.override(facts.language):
        return render_template(subject, context).strip(), render_template(body, context)


@dataclass
class Composed:
    subject: str = ""
    body: str = ""
    error: str = ""


def _compose(action: DunningAction, facts: MessageFacts) -> Composed:
    template = _template_for(action.step.template, facts.language)
    if template is None:
        return Composed(error=_("no message template “%(key)s”") % {"key": action.step.template})
    try:
        subject, body = render_message(template.subject, template.body, facts)
    except TemplateRefused as error:
        return Composed(
            error=_("the template “%(template)s” is refused: %(problems)s")
            % {"template": str(template), "problems": str(error)}
        )
    return Composed(subject=subject, body=body)


def compose_messages(limit: int = 500, *, as_of: dt.date | None = None) -> int:
    """Produce the message of each planned written action due by ``as_of`` (today) that has
    none yet: its facts as of that day, then its text rendered from them in the sandbox.

    An action whose invoices were all settled in the meantime is cancelled (outcome
    ``paid``), not sent; a template that is refused makes the message fail with the reason,
    on finance's dashboard."""
    as_of = as_of or today()
    with transaction.atomic():
        return _compose_batch(limit, as_of)


def _compose_batch(limit: int, as_of: dt.date) -> int:
    # Locked, and those another composer holds skipped: two `outbox send` at once never
    # compose one action twice (and the unique action of a message is the last guard).
    locked = list(
        DunningAction.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            state=ActionState.PLANNED,
            step__channel__in=Channel.written(),
            message__isnull=True,
            planned_for__lte=as_of,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    actions = list(
        DunningAction.objects.filter(pk__in=locked, message__isnull=True)
        .select_related("customer__entity", "step")
        .prefetch_related(
            Prefetch("items", queryset=ActionItem.objects.select_related("invoice")),
            "customer__contacts",
        )
        .order_by("pk")
    )
    messages = []
    paid = []
    reminded = reminded_invoices([action.pk for action in actions])
    for action in actions:
        language = customer_language(action.customer)
        facts = message_facts(
            action, list(action.items.all()), as_of=as_of, language=language, reminded=reminded
        )
        if not facts.lines:
            paid.append(action.pk)
            continue
        composed = _compose(action, facts)
        domain = (action.customer.entity.email or "encaisse.local").rpartition("@")[2]
        is_email = action.step.channel == "email"
        messages.append(
            OutboundMessage(
                action=action,
                channel=action.step.channel,
                language=language,
                recipient=_recipient(action.customer, action.step.channel),
                subject=composed.subject[:300],
                body=composed.body,
                facts=facts.to_json(),
                message_id=make_msgid("relance", domain=domain) if is_email else "",
                state=MessageState.FAILED if composed.error else MessageState.PENDING,
                last_error=composed.error,
                next_attempt_at=timezone.now(),
            )
        )
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
    move_actions(
        DunningAction.objects.filter(pk__in=paid),
        to=ActionState.CANCELLED,
        note="paid before it went out",
        outcome=PAID_BEFORE_SENDING,
    )
    return len(messages) + len(paid)


def recompose_legacy_message(message: OutboundMessage) -> None:
    """A message composed before templates were sandboxed (no stored facts) is composed again
    in the sandbox before it may go out: what the old rendering wrote is never sent."""
    action = message.action
    items = list(action.items.select_related("invoice"))
    facts = message_facts(
        action,
        items,
        as_of=today(),
        language=message.language,
        reminded=reminded_invoices([action.pk]),
    )
    composed = _compose(action, facts) if facts.lines else Composed(error=_("all paid"))
    message.subject, message.body, message.facts = composed.subject, composed.body, facts.to_json()
    OutboundMessage.objects.filter(pk=message.pk).update(
        subject=message.subject[:300], body=message.body, facts=message.facts
    )
    if composed.error:
        raise DeliveryError(composed.error)


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
    message = OutboundMessage.objects.select_related("action__customer__entity").get(pk=message_id)
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

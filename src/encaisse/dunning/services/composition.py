"""Composing the outbox's messages: each planned action's message rendered once, from facts
frozen when it is composed (template, invoices, penalties, bank details, QR code), under
skip-locked row locks so that two composers never compose the same action twice."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from decimal import Decimal
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from encaisse.core.dates import today
from encaisse.dunning.channels import DeliveryError
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

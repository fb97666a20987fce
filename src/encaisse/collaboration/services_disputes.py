"""Disputes from the first word to the answer: open, assign, investigate, resolve by a credit
note, reject (dunning resumes) or withdraw; every change recorded with who and when, and told
to the dispute's owner when someone else makes it.

A status changes only through ``_move`` (the transitions are ``DISPUTE_TRANSITIONS``), with a
conditional UPDATE on the status the person saw: of two clicks at once, one wins and the other
is told the dispute changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.collaboration.models_disputes import (
    ACTIVE_DISPUTE_STATUSES,
    DISPUTE_TRANSITIONS,
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeReason,
    DisputeStatus,
)
from encaisse.collaboration.notifications_disputes import person_name, tell_owner
from encaisse.collaboration.permissions import can_comment_dispute, can_work_dispute
from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, format_money, money_str, to_money
from encaisse.ledger.models import Customer, Invoice, InvoiceKind
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.services import allocate, record_invoice
from encaisse.webhooks.services import emit

# Without a due date, the answer is expected within a month.
ANSWER_WITHIN = dt.timedelta(days=30)


def _check_invoices(customer: Customer, invoices: Sequence[Invoice]) -> list[Invoice]:
    """The invoices, fresh from the database: the customer's, still open, not already in an
    active dispute."""
    if not invoices:
        raise BadInput(_("invoices: choose at least one invoice"))
    fresh = list(
        Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]).order_by(
            "due_date", "number"
        )
    )
    foreign = [invoice.number for invoice in fresh if invoice.customer_id != customer.pk]
    if foreign:
        raise BadInput(
            _("invoices: %(numbers)s belong to another customer") % {"numbers": ", ".join(foreign)}
        )
    closed = [
        invoice.number
        for invoice in fresh
        if invoice.kind != InvoiceKind.INVOICE
        or invoice.settled_on is not None
        or invoice.open_amount <= 0
    ]
    if closed:
        raise BadInput(
            _("invoices: %(numbers)s is paid or is not an invoice; nothing is left to dispute")
            % {"numbers": ", ".join(closed)}
        )
    already = sorted(
        set(
            Dispute.invoices.through.objects.filter(
                invoice_id__in=[invoice.pk for invoice in fresh],
                dispute__status__in=ACTIVE_DISPUTE_STATUSES,
            ).values_list("invoice__number", flat=True)
        )
    )
    if already:
        raise BadInput(
            _("invoices: %(numbers)s is already in an open dispute")
            % {"numbers": ", ".join(already)}
        )
    return fresh


def _check_owner(owner: User | None, customer: Customer) -> None:
    """Anyone active may own a dispute, as long as they see its customer."""
    if owner is None:
        return
    if not owner.is_active or not visible_customers(owner).filter(pk=customer.pk).exists():
        raise BadInput(
            _("owner: %(person)s does not have %(customer)s in their portfolio")
            % {"person": person_name(owner), "customer": customer.name}
        )


def _record(
    dispute: Dispute,
    kind: DisputeEventKind,
    *,
    by: User | None,
    on: dt.date,
    from_value: str = "",
    to_value: str = "",
    comment: str = "",
) -> DisputeEvent:
    now = timezone.now()
    if timezone.localdate(now) != on:  # recorded afterwards: it happened that day
        now = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    return DisputeEvent.objects.create(
        dispute=dispute,
        kind=kind,
        at=now,
        by=by,
        on=on,
        from_value=from_value,
        to_value=to_value,
        comment=comment,
    )


@transaction.atomic
def open_dispute(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    reason: DisputeReason | str,
    opened_on: dt.date,
    opened_by: User | None = None,
    note: str = "",
    owner: User | None = None,
    due_on: dt.date | None = None,
    amount: Decimal | None = None,
) -> Dispute:
    """Record that ``customer`` disputes ``invoices`` (all that is open on them, or
    ``amount`` of it); the next dunning run pauses them until the dispute is closed.

    Without an owner the dispute is finance's; without a due date the answer is expected
    within ANSWER_WITHIN. BadInput, and nothing recorded, for an invoice of another
    customer, a paid one, one already in an open dispute, an amount above what is open, an
    owner who does not see the customer or a due date before today."""
    fresh = _check_invoices(customer, invoices)
    if reason not in DisputeReason.values:
        raise BadInput(_("reason: %(reason)r is not a dispute reason") % {"reason": reason})
    if amount is not None:
        amount = to_money(amount)
        open_total = sum((invoice.open_amount for invoice in fresh), ZERO)
        if amount <= 0:
            raise BadInput(_("amount: the disputed amount must be positive"))
        if amount > open_total:
            raise BadInput(
                _("amount: %(amount)s is more than the %(open)s open on these invoices")
                % {
                    "amount": format_money(amount, fresh[0].currency),
                    "open": format_money(open_total, fresh[0].currency),
                }
            )
    if due_on is not None and due_on < opened_on:
        raise BadInput(_("due date: the answer cannot be due before today"))
    _check_owner(owner, customer)
    note = note.strip()
    dispute = Dispute.objects.create(
        customer=customer,
        reason=reason,
        note=note,
        opened_by=opened_by,
        opened_on=opened_on,
        owner=owner,
        due_on=due_on or opened_on + ANSWER_WITHIN,
        amount=amount,
    )
    dispute.invoices.set(fresh)
    _record(
        dispute,
        DisputeEventKind.OPENED,
        by=opened_by,
        on=opened_on,
        to_value=DisputeStatus.OPEN,
        comment=note,
    )
    tell_owner(dispute, by=opened_by, what="assigned", comment=note)
    emit("dispute.opened", dispute_payload(dispute), key=f"dispute:{dispute.pk}")
    return dispute


def dispute_payload(dispute: Dispute) -> dict[str, object]:
    """What the ERP hears of a dispute (webhooks): plain values, amounts as strings."""
    customer = dispute.customer
    return {
        "dispute_id": dispute.pk,
        "customer_id": customer.pk,
        "customer_external_id": customer.external_id,
        "reason": dispute.reason,
        "status": dispute.status,
        "amount": money_str(dispute.amount) if dispute.amount is not None else None,
        "invoices": sorted(dispute.invoices.values_list("number", flat=True)),
        "opened_on": dispute.opened_on.isoformat(),
        "resolved_on": dispute.resolved_on.isoformat() if dispute.resolved_on else None,
    }


def _may_work(dispute: Dispute, by: User) -> None:
    if not can_work_dispute(by, dispute):
        raise PermissionDenied


def _move(
    dispute: Dispute, *, to: DisputeStatus, by: User, on: dt.date, comment: str = "", **also: object
) -> Dispute:
    """The one place a status changes: allowed from the status the person saw, and only if
    it is still that status (a conditional UPDATE), else BadInput and nothing changes."""
    seen = dispute.status
    if to not in DISPUTE_TRANSITIONS.get(seen, frozenset()):
        raise BadInput(
            _("status: a dispute %(seen)s cannot become %(to)s")
            % {
                "seen": DisputeStatus(seen).label.lower(),
                "to": DisputeStatus(to).label.lower(),
            }
        )
    final = to not in ACTIVE_DISPUTE_STATUSES
    changes: dict[str, object] = {"status": to, **also}
    if final:
        changes.update(resolved_on=on, resolved_by=by)
    if not Dispute.objects.filter(pk=dispute.pk, status=seen).update(**changes):
        raise BadInput(_("status: this dispute was changed meanwhile; reload the page"))
    dispute.refresh_from_db()
    _record(
        dispute,
        DisputeEventKind.STATUS,
        by=by,
        on=on,
        from_value=seen,
        to_value=to,
        comment=comment.strip(),
    )
    tell_owner(dispute, by=by, what="status", comment=comment.strip())
    if final:
        emit("dispute.resolved", dispute_payload(dispute), key=f"dispute-resolved:{dispute.pk}")
    return dispute


@transaction.atomic
def start_investigation(*, dispute: Dispute, by: User, on: dt.date, comment: str = "") -> Dispute:
    """Someone looks into it (the invoices stay paused)."""
    _may_work(dispute, by)
    return _move(dispute, to=DisputeStatus.INVESTIGATING, by=by, on=on, comment=comment)


@transaction.atomic
def reject_dispute(*, dispute: Dispute, by: User, on: dt.date, comment: str = "") -> Dispute:
    """The invoices are right: the dispute is closed and dunning resumes on them."""
    _may_work(dispute, by)
    if not comment.strip():
        raise BadInput(_("comment: say why the dispute is rejected"))
    return _move(dispute, to=DisputeStatus.REJECTED, by=by, on=on, comment=comment)


@transaction.atomic
def withdraw_dispute(*, dispute: Dispute, by: User, on: dt.date, comment: str = "") -> Dispute:
    """The customer takes it back: dunning resumes on the invoices."""
    _may_work(dispute, by)
    return _move(dispute, to=DisputeStatus.WITHDRAWN, by=by, on=on, comment=comment)


def _credit_note_for(
    dispute: Dispute,
    invoices: list[Invoice],
    *,
    credit_note: Invoice | None,
    number: str,
    amount: Decimal | None,
    on: dt.date,
) -> Invoice:
    """An existing credit note of the customer, or one recorded now in the ledger."""
    if credit_note is not None:
        credit_note = Invoice.objects.get(pk=credit_note.pk)
        if credit_note.kind != InvoiceKind.CREDIT_NOTE or (
            credit_note.customer_id != dispute.customer_id
        ):
            raise BadInput(
                _("credit note: %(number)s is not a credit note of %(customer)s")
                % {"number": credit_note.number, "customer": dispute.customer.name}
            )
        return credit_note
    number = number.strip()
    if not number:
        raise BadInput(_("credit note: choose a credit note or give its number"))
    if amount is None or to_money(amount) <= 0:
        raise BadInput(_("amount: give the credit note's amount, above zero"))
    amount = to_money(amount)
    open_total = sum((invoice.open_amount for invoice in invoices), ZERO)
    currency = invoices[0].currency if invoices else "EUR"
    if amount > open_total:
        raise BadInput(
            _("amount: %(amount)s is more than the %(open)s still open on the disputed invoices")
            % {"amount": format_money(amount, currency), "open": format_money(open_total, currency)}
        )
    entity = invoices[0].entity if invoices else dispute.customer.entity
    if Invoice.objects.filter(entity=entity, number=number).exists():
        raise BadInput(
            _("credit note: the number %(number)s is already used; choose it in the list")
            % {"number": number}
        )
    created, _how = record_invoice(
        entity=entity,
        customer=dispute.customer,
        number=number,
        issue_date=on,
        due_date=on,
        amount=-amount,
        currency=currency,
    )
    return created


@transaction.atomic
def resolve_dispute_by_credit_note(
    *,
    dispute: Dispute,
    by: User,
    on: dt.date,
    credit_note: Invoice | None = None,
    number: str = "",
    amount: Decimal | None = None,
    comment: str = "",
) -> Dispute:
    """The customer was right, for ``credit_note`` (an existing one of the customer, or one
    recorded now from its number and amount): what is left of it is lettered against the
    disputed invoices, oldest first, and dunning resumes on whatever is still open."""
    _may_work(dispute, by)
    invoices = list(
        dispute.invoices.filter(settled_on__isnull=True, open_amount__gt=0).order_by(
            "due_date", "number"
        )
    )
    note = _credit_note_for(
        dispute, invoices, credit_note=credit_note, number=number, amount=amount, on=on
    )
    dispute = _move(
        dispute, to=DisputeStatus.CREDITED, by=by, on=on, comment=comment, credit_note=note
    )
    left = -note.open_amount
    for invoice in invoices:
        part = min(left, invoice.open_amount)
        if part <= 0:
            break
        allocate(invoice=invoice, amount=part, credit_note=note, on=max(on, note.issue_date))
        left -= part
    return dispute


@transaction.atomic
def assign_dispute(
    *, dispute: Dispute, owner: User | None, by: User, on: dt.date, comment: str = ""
) -> Dispute:
    """Give the dispute to ``owner`` (None: back to finance), who is told."""
    _may_work(dispute, by)
    if not dispute.is_active:
        raise BadInput(_("owner: this dispute is closed"))
    _check_owner(owner, dispute.customer)
    previous = dispute.owner_id
    if previous == (owner.pk if owner else None):
        return dispute
    Dispute.objects.filter(pk=dispute.pk).update(owner=owner)
    dispute.refresh_from_db()
    _record(
        dispute,
        DisputeEventKind.OWNER,
        by=by,
        on=on,
        from_value=str(previous or ""),
        to_value=str(owner.pk if owner else ""),
        comment=comment.strip(),
    )
    tell_owner(dispute, by=by, what="assigned", comment=comment.strip())
    return dispute


@transaction.atomic
def set_dispute_due_date(
    *, dispute: Dispute, due_on: dt.date, by: User, on: dt.date, comment: str = ""
) -> Dispute:
    """A new date for the answer (finance hears again if it passes)."""
    _may_work(dispute, by)
    if not dispute.is_active:
        raise BadInput(_("due date: this dispute is closed"))
    if due_on < on:
        raise BadInput(_("due date: the answer cannot be due before today"))
    previous = dispute.due_on
    if previous == due_on:
        return dispute
    Dispute.objects.filter(pk=dispute.pk).update(due_on=due_on, overdue_notified_on=None)
    dispute.refresh_from_db()
    _record(
        dispute,
        DisputeEventKind.DUE_DATE,
        by=by,
        on=on,
        from_value=previous.isoformat() if previous else "",
        to_value=due_on.isoformat(),
        comment=comment.strip(),
    )
    tell_owner(dispute, by=by, what="due_date", comment=comment.strip())
    return dispute


@transaction.atomic
def comment_dispute(*, dispute: Dispute, by: User, on: dt.date, comment: str) -> DisputeEvent:
    """Add to the dispute's history (anyone who sees it and may write)."""
    if not can_comment_dispute(by, dispute):
        raise PermissionDenied
    comment = comment.strip()
    if not comment:
        raise BadInput(_("comment: write something"))
    event = _record(dispute, DisputeEventKind.COMMENT, by=by, on=on, comment=comment)
    tell_owner(dispute, by=by, what="comment", comment=comment)
    return event

"""Decisions people take on dunning: hold requests from sales, approvals by finance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_run_dunning, is_read_only
from encaisse.core.errors import BadInput
from encaisse.dunning.models import (
    ActionState,
    DunningAction,
    HoldRequest,
    HoldStatus,
    MessageState,
    OutboundMessage,
)
from encaisse.dunning.services.hold_notices import (
    tell_finance_a_hold_waits,
    tell_the_rep_finance_decided,
)
from encaisse.dunning.states import move_actions
from encaisse.ledger.models import Customer, Invoice

LONGEST_HOLD = dt.timedelta(days=90)


@transaction.atomic
def request_hold(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    reason: str,
    hold_until: dt.date,
    requested_by: User,
    today: dt.date,
    step_key: str = "",
) -> HoldRequest:
    """Ask finance to hold reminders on invoices; they are held while finance decides, and
    finance is told a decision waits."""
    if is_read_only(requested_by):
        raise BadInput("a read-only user cannot ask for a hold")
    if not reason.strip():
        raise BadInput("reason: say why the reminder should wait (finance decides on it)")
    if not invoices:
        raise BadInput("invoices: choose at least one invoice")
    if any(invoice.customer_id != customer.pk for invoice in invoices):
        raise BadInput("invoices: they must belong to this customer")
    if hold_until < today:
        raise BadInput(f"hold_until: {hold_until.isoformat()} is already past")
    if hold_until > today + LONGEST_HOLD:
        raise BadInput("hold_until: a hold lasts 90 days at most")
    hold = HoldRequest.objects.create(
        customer=customer,
        reason=reason.strip(),
        hold_until=hold_until,
        requested_by=requested_by,
        step_key=step_key,
    )
    hold.invoices.set(invoices)
    tell_finance_a_hold_waits(hold)
    return hold


@transaction.atomic
def decide_hold(
    *, hold: HoldRequest, approve: bool, decided_by: User, note: str = ""
) -> HoldRequest:
    """Finance approves or refuses a hold request; the rep who asked is told."""
    if not can_run_dunning(decided_by):
        raise BadInput("only finance decides on holds")
    if hold.status != HoldStatus.PENDING:
        raise BadInput(f"this request was already {hold.get_status_display().lower()}")
    if not approve and not note.strip():
        raise BadInput("note: tell the rep why the reminder goes out after all")
    hold.status = HoldStatus.APPROVED if approve else HoldStatus.REFUSED
    hold.decided_by = decided_by
    hold.decided_at = timezone.now()
    hold.decision_note = note.strip()
    hold.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    tell_the_rep_finance_decided(hold)
    return hold


@transaction.atomic
def approve_action(*, action: DunningAction, approved_by: User) -> DunningAction:
    """Finance lets a step that needs approval (a formal notice) go out."""
    return _decide(action, approved_by, ActionState.PLANNED)


@transaction.atomic
def cancel_action(*, action: DunningAction, cancelled_by: User) -> DunningAction:
    """Finance stops a planned step; it will not be planned again for those invoices."""
    return _decide(action, cancelled_by, ActionState.CANCELLED)


def _decide(action: DunningAction, user: User, state: ActionState) -> DunningAction:
    if not can_run_dunning(user):
        raise BadInput("only finance approves or cancels reminders")
    locked = DunningAction.objects.select_for_update().get(pk=action.pk)
    if locked.state not in {ActionState.AWAITING_APPROVAL, ActionState.PLANNED}:
        raise BadInput(f"this step is already {locked.get_state_display().lower()}")
    if state == ActionState.PLANNED and locked.state != ActionState.AWAITING_APPROVAL:
        raise BadInput("this step does not need an approval")
    message = OutboundMessage.objects.filter(action=locked).first()
    if message is not None and message.state != MessageState.PENDING:
        raise BadInput(f"its message is already {message.get_state_display().lower()}")
    if message is not None and state == ActionState.CANCELLED:
        message.state = MessageState.FAILED
        message.last_error = f"cancelled by {user}"
        message.save(update_fields=["state", "last_error"])
    move_actions(
        DunningAction.objects.filter(pk=locked.pk),
        to=state,
        by=user,
        note="approved" if state == ActionState.PLANNED else "cancelled by finance",
    )
    locked.refresh_from_db()
    return locked

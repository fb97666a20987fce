"""A call made from the customer page, with no task waiting for it: recorded as a call done
at once, by the rules of a task's outcome (``services.record_task_outcome``), so it shows
once on the customer's timeline with what came of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import is_read_only
from encaisse.collaboration.models import CallOutcome, DisputeReason, Task, TaskKind
from encaisse.collaboration.services import record_task_outcome
from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.scoping import visible_customers


def invoices_to_call_about(customer: Customer, on: dt.date) -> list[Invoice]:
    """What a call is about: the customer's overdue invoices, else its open ones."""
    receivable = customer.invoices.receivable().order_by("due_date", "number")
    return list(receivable.overdue(on)) or list(receivable)


@transaction.atomic
def record_call(
    *,
    customer: Customer,
    by: User,
    on: dt.date,
    outcome: CallOutcome | str,
    note: str = "",
    promised_for: dt.date | None = None,
    promised_amount: Decimal | None = None,
    dispute_reason: DisputeReason | str | None = None,
) -> Task:
    """Record that ``by`` called the customer on ``on`` and how it went (a promise, a dispute
    on its overdue invoices...). PermissionDenied for whoever may not see the customer or
    only reads; BadInput, and nothing recorded, as for a task's outcome."""
    if is_read_only(by) or not visible_customers(by).filter(pk=customer.pk).exists():
        raise PermissionDenied
    task = Task.objects.create(
        customer=customer, assignee=by, kind=TaskKind.CALL, title=gettext("Call"), due_on=on
    )
    task.invoices.set(invoices_to_call_about(customer, on))
    return record_task_outcome(
        task=task,
        outcome=outcome,
        by=by,
        note=note,
        on=on,
        promised_for=promised_for,
        promised_amount=promised_amount,
        dispute_reason=dispute_reason,
    )

"""plan_actions: the rules of dunning, in one pure function.

For each open item of a customer, on a given date:
- nothing if it is paid or credited (open amount <= 0), disputed, on hold, under an
  unexpired promise to pay, or if the customer is not to be contacted or is on hold;
- nothing while the outcome of a human step (call, task) is awaited;
- otherwise the most advanced step already due that comes after the last step done: steps
  go in order and each at most once, and a scenario applied to an old invoice starts at
  the step the invoice has reached instead of sending every earlier step at once;
- a courtesy step (before the due date) never goes out once the invoice is late;
- under an instalment plan agreed with the customer, only what falls due is dunned
  (``dunned_part``): the unpaid instalments already due, from the earliest one's date.
Items reaching the same step are grouped into one action per customer; an action below
the step's minimum amount waits (its items are not marked, they will come again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from enum import StrEnum

from encaisse.dunning.engine.model import (
    CustomerSnapshot,
    OpenItem,
    PlannedAction,
    PlannedItem,
    StepRule,
)


class PauseReason(StrEnum):
    PAID = "paid"
    DO_NOT_CONTACT = "do_not_contact"
    CUSTOMER_ON_HOLD = "customer_on_hold"
    DISPUTED = "disputed"
    ON_HOLD = "on_hold"
    PROMISED = "promised"
    AWAITING_OUTCOME = "awaiting_outcome"


def dunned_part(item: OpenItem, as_of: dt.date) -> OpenItem:
    """The item as dunned on ``as_of``: itself, or under an instalment plan the part that
    falls due. Payments go to the earliest instalments first; the unpaid instalments due by
    ``as_of`` are dunned together, counted from the earliest one's date; when none is due
    yet, the next one (a courtesy step may announce it). Each step still reaches an invoice
    once, so a later instalment gets the scenario's later steps."""
    if not item.instalments:
        return item
    ordered = sorted(item.instalments, key=lambda instalment: instalment.due_date)
    paid = max(sum((i.amount for i in ordered), Decimal("0")) - item.open_amount, Decimal("0"))
    unpaid = []
    for instalment in ordered:
        covered = min(paid, instalment.amount)
        paid -= covered
        if instalment.amount > covered:
            unpaid.append((instalment.due_date, instalment.amount - covered))
    if not unpaid:
        return replace(item, open_amount=Decimal("0"))
    due = [(day, amount) for day, amount in unpaid if day <= as_of] or unpaid[:1]
    return replace(
        item, due_date=due[0][0], open_amount=sum((amount for _day, amount in due), Decimal("0"))
    )


def pause_reason(snapshot: CustomerSnapshot, item: OpenItem, as_of: dt.date) -> PauseReason | None:
    """Why the item gets no step today, or None when it may."""
    if item.open_amount <= 0:
        return PauseReason.PAID
    if snapshot.do_not_contact:
        return PauseReason.DO_NOT_CONTACT
    if snapshot.on_hold:
        return PauseReason.CUSTOMER_ON_HOLD
    if item.disputed:
        return PauseReason.DISPUTED
    if item.on_hold:
        return PauseReason.ON_HOLD
    if item.promised_until is not None and item.promised_until >= as_of:
        return PauseReason.PROMISED
    if item.awaiting_outcome:
        return PauseReason.AWAITING_OUTCOME
    return None


def next_step_index(steps: tuple[StepRule, ...], item: OpenItem, as_of: dt.date) -> int | None:
    """Index of the step the item should get today, or None."""
    last_done = max((i for i, step in enumerate(steps) if step.key in item.done_steps), default=-1)
    reached = None
    for index, step in enumerate(steps):
        if item.due_date + dt.timedelta(days=step.offset_days) <= as_of:
            reached = index
    if reached is None or reached <= last_done:
        return None
    if steps[reached].offset_days < 0 and as_of > item.due_date:
        return None  # a courtesy reminder is pointless once the invoice is late
    return reached


def plan_actions(snapshot: CustomerSnapshot, as_of: dt.date) -> list[PlannedAction]:
    """The actions due for one customer on ``as_of``, one per step, in step order."""
    by_step: dict[int, list[PlannedItem]] = {}
    dunned = (dunned_part(item, as_of) for item in snapshot.items)
    for item in sorted(dunned, key=lambda i: (i.due_date, i.number)):
        if pause_reason(snapshot, item, as_of) is not None:
            continue
        index = next_step_index(snapshot.steps, item, as_of)
        if index is None:
            continue
        by_step.setdefault(index, []).append(
            PlannedItem(
                invoice_id=item.invoice_id,
                number=item.number,
                days_past_due=(as_of - item.due_date).days,
                open_amount=item.open_amount,
            )
        )
    actions = []
    for index in sorted(by_step):
        step = snapshot.steps[index]
        action = PlannedAction(
            customer_id=snapshot.customer_id, step=step, items=tuple(by_step[index])
        )
        if action.amount >= step.min_amount:
            actions.append(action)
    return actions


def forecast(
    snapshot: CustomerSnapshot, days: list[dt.date]
) -> list[tuple[dt.date, PlannedAction]]:
    """What the runs of the coming ``days`` would plan, if nothing else happened meanwhile.

    Each simulated day feeds the next: a step planned on Monday is done on Tuesday, and a
    call planned on Monday makes the following steps wait for its outcome.
    """
    planned: list[tuple[dt.date, PlannedAction]] = []
    current = snapshot
    for day in days:
        actions = plan_actions(current, day)
        if not actions:
            continue
        planned.extend((day, action) for action in actions)
        reached = {
            invoice_id: action.step for action in actions for invoice_id in action.invoice_ids
        }
        current = replace(
            current,
            items=tuple(
                replace(
                    item,
                    done_steps=item.done_steps | {reached[item.invoice_id].key},
                    awaiting_outcome=item.awaiting_outcome
                    or reached[item.invoice_id].channel.is_human,
                )
                if item.invoice_id in reached
                else item
                for item in current.items
            ),
        )
    return planned

"""The customer's timeline: what finance, sales and the dunning did, newest first.

One list from several apps (payments from the ledger; disputes, promises and calls from
collaboration; reminders and hold decisions from dunning), so that whoever opens the
customer page reads the story in one place. Read-only; the customer is already scoped.
Each thing shows once, as it stands now (a call step that became a task is the task); a
link is given only to what the reader may open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from heapq import nlargest

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.collaboration.models import Dispute, PromiseToPay, Task, TaskStatus
from encaisse.collaboration.selectors import visible_tasks
from encaisse.dunning.labels import step_label
from encaisse.dunning.models import (
    DunningAction,
    HoldRequest,
    HoldStatus,
    MessageState,
    OutboundMessage,
)
from encaisse.ledger.models import Customer, Payment
from encaisse.ledger.vocabulary import return_reason_label

PER_KIND = 40  # the latest of each kind; the timeline shows the latest of them all
PAYMENTS = 5  # the payments table is on the page already: a few, for the story


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened: ``kind`` picks the icon, ``tone`` the colour."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    amount: Decimal | None = None
    url: str = ""
    tone: str = "secondary"


def _day(value: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))


def _short(day: dt.date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def _name(user: object) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))


def _payment_title(payment: Payment) -> str:
    if payment.is_return:
        reason = return_reason_label(payment.return_reason)
        return (
            _("Payment returned: %(reason)s") % {"reason": reason}
            if reason
            else _("Payment returned")
        )
    return _("Refund paid to the customer") if payment.is_refund else _("Payment received")


def _payments(customer: Customer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=_day(payment.date),
            kind="payment",
            title=_payment_title(payment),
            detail=(
                _("%(reference)s, takes back %(returned)s")
                % {"reference": payment.reference, "returned": payment.returns.reference}
                if payment.returns is not None
                else payment.reference
            ),
            amount=payment.amount,
            tone="danger" if payment.is_return else "success",
        )
        for payment in Payment.objects.filter(customer=customer)
        .select_related("returns")
        .order_by("-date", "-pk")[:PAYMENTS]
    ]


def _reminders(customer: Customer) -> list[TimelineEvent]:
    """What dunning planned and sent; a call or task step that became a task is told by the
    task itself (_tasks), with its outcome, not a second time here."""
    actions = (
        DunningAction.objects.filter(customer=customer, task__isnull=True)
        .select_related("step", "message")
        .order_by("-planned_for", "-pk")[:PER_KIND]
    )
    events = []
    for action in actions:
        message = getattr(action, "message", None)
        sent = message is not None and message.state == MessageState.SENT and message.sent_at
        failed = message is not None and message.state == MessageState.FAILED
        events.append(
            TimelineEvent(
                at=message.sent_at if sent and message else _day(action.planned_for),
                kind=action.step.channel,
                title=_("%(step)s: %(state)s")
                % {"step": step_label(action.step.key), "state": action.status_label},
                detail=_posting(message)
                or (message.subject if message else "")
                or (message.recipient if message else ""),
                amount=action.amount,
                url=reverse("dunning-message", args=[message.pk]) if message else "",
                tone="danger" if failed else ("primary" if sent else "secondary"),
            )
        )
    return events


def _posting(message: OutboundMessage | None) -> str:
    """When a letter was posted, and its registered letter number."""
    if message is None or message.posted_on is None:
        return ""
    if message.tracking_number:
        return _("posted on %(day)s, registered letter %(number)s") % {
            "day": _short(message.posted_on),
            "number": message.tracking_number,
        }
    return _("posted on %(day)s") % {"day": _short(message.posted_on)}


def _holds(customer: Customer) -> list[TimelineEvent]:
    events = []
    for hold in HoldRequest.objects.filter(customer=customer).select_related(
        "requested_by", "decided_by"
    )[:PER_KIND]:
        events.append(
            TimelineEvent(
                at=hold.requested_at,
                kind="hold",
                title=_("Hold requested until %(day)s") % {"day": _short(hold.hold_until)},
                detail=hold.reason,
                by=_name(hold.requested_by),
                tone="warning",
            )
        )
        if hold.decided_at:
            approved = hold.status == HoldStatus.APPROVED
            events.append(
                TimelineEvent(
                    at=hold.decided_at,
                    kind="decision",
                    title=_("Hold approved") if approved else _("Hold refused"),
                    detail=hold.decision_note,
                    by=_name(hold.decided_by),
                    tone="success" if approved else "danger",
                )
            )
    return events


def _disputes(customer: Customer) -> list[TimelineEvent]:
    events = []
    for dispute in (
        Dispute.objects.filter(customer=customer)
        .select_related("opened_by")
        .order_by("-opened_on", "-pk")[:PER_KIND]
    ):
        events.append(
            TimelineEvent(
                at=_day(dispute.opened_on),
                kind="dispute",
                title=_("Dispute opened: %(reason)s") % {"reason": dispute.get_reason_display()},
                detail=dispute.note,
                by=_name(dispute.opened_by),
                tone="danger",
            )
        )
        if dispute.resolved_on:
            events.append(
                TimelineEvent(
                    at=_day(dispute.resolved_on),
                    kind="resolved",
                    title=_("Dispute resolved"),
                    tone="success",
                )
            )
    return events


def _promises(customer: Customer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=_day(promise.recorded_on),
            kind="promise",
            title=_("Promise to pay by %(day)s") % {"day": _short(promise.promised_for)},
            detail=promise.note,
            by=_name(promise.recorded_by),
            amount=promise.amount,
            tone="info",
        )
        for promise in PromiseToPay.objects.filter(customer=customer)
        .select_related("recorded_by")
        .order_by("-recorded_on", "-pk")[:PER_KIND]
    ]


def _tasks(customer: Customer, reader: User | None) -> list[TimelineEvent]:
    """Calls and tasks as they stand now (to do, done with their outcome, cancelled); a link
    only to those the reader may open (a rep opens his own, not his manager's)."""
    tasks = list(
        Task.objects.filter(customer=customer)
        .select_related("done_by", "assignee")
        .order_by("-created_at", "-pk")[:PER_KIND]
    )
    openable = (
        set(
            visible_tasks(reader)
            .filter(pk__in=[task.pk for task in tasks])
            .values_list("pk", flat=True)
        )
        if reader is not None and tasks
        else set()
    )
    return [
        TimelineEvent(
            at=_day(task.done_on) if task.done_on else task.created_at,
            kind="call" if task.kind == "call" else "task",
            title=f"{task.title}: {task.get_outcome_display()}"
            if task.outcome
            else f"{task.title}: {task.get_status_display()}",
            detail=task.outcome_note,
            by=_name(task.done_by or task.assignee),
            url=reverse("task-detail", args=[task.pk]) if task.pk in openable else "",
            tone="success" if task.status == TaskStatus.DONE else "secondary",
        )
        for task in tasks
    ]


def customer_timeline(
    customer: Customer, *, reader: User | None = None, limit: int = 20
) -> list[TimelineEvent]:
    """The latest ``limit`` events of the customer, newest first, as ``reader`` may follow
    them (without a reader, no link to a task)."""
    events = [
        *_payments(customer),
        *_reminders(customer),
        *_holds(customer),
        *_disputes(customer),
        *_promises(customer),
        *_tasks(customer, reader),
    ]
    return nlargest(limit, events, key=lambda event: event.at)

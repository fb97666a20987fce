"""The customer's timeline: what finance, sales and the dunning did, newest first.

One list from several apps (payments from the ledger; disputes, promises and calls from
collaboration; reminders and hold decisions from dunning; and what apps above dunning
register with ``core.timeline.register_timeline_source``), so that whoever opens the
customer page reads the story in one place. Read-only; the customer is already scoped.
Each thing shows once, as it stands now (a call step that became a task is the task); a
link is given only to what the reader may open.
"""

from __future__ import annotations

import datetime as dt
from heapq import nlargest

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from encaisse.accounts.models import User
from encaisse.collaboration.models import (
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeStatus,
    Note,
    PromiseStatus,
    PromiseToPay,
    SpecialTerms,
    Task,
    TaskStatus,
    TermsStatus,
)
from encaisse.collaboration.selectors import visible_tasks
from encaisse.collaboration.terms import terms_summary
from encaisse.core.timeline import TimelineEvent, registered_events, registered_label
from encaisse.dunning.labels import step_label
from encaisse.dunning.models import (
    DunningAction,
    HoldRequest,
    HoldStatus,
    MessageState,
    OutboundMessage,
)
from encaisse.ledger.models import Customer, Payment
from encaisse.ledger.selectors import customer_changes
from encaisse.ledger.vocabulary import return_reason_label

PER_KIND = 40  # the latest of each kind; the timeline shows the latest of them all
PAYMENTS = 5  # the payments table is on the page already: a few, for the story


# The badge of each kind of event.
EVENT_LABELS = {
    "payment": pgettext_lazy("timeline", "Payment"),
    "email": pgettext_lazy("timeline", "E-mail"),
    "letter": pgettext_lazy("timeline", "Letter"),
    "sms": pgettext_lazy("timeline", "SMS"),
    "call": pgettext_lazy("timeline", "Call"),
    "task": pgettext_lazy("timeline", "Task"),
    "hold": pgettext_lazy("timeline", "Hold"),
    "decision": pgettext_lazy("timeline", "Decision"),
    "dispute": pgettext_lazy("timeline", "Dispute"),
    "resolved": pgettext_lazy("timeline", "Dispute"),
    "promise": pgettext_lazy("timeline", "Promise"),
    "change": pgettext_lazy("timeline", "Change"),
    "note": pgettext_lazy("timeline", "Note"),
    "terms": pgettext_lazy("timeline", "Terms"),
}


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind) or registered_label(kind) or kind)


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


def _dispute_move_title(event: DisputeEvent, dispute: Dispute) -> str:
    if event.to_value == DisputeStatus.CREDITED:
        number = dispute.credit_note.number if dispute.credit_note else ""
        return _("Dispute resolved by credit note %(number)s") % {"number": number}
    if event.to_value == DisputeStatus.REJECTED:
        return _("Dispute rejected: dunning resumes")
    if event.to_value == DisputeStatus.WITHDRAWN:
        return _("Dispute withdrawn by the customer")
    return _("Dispute under investigation")


def _disputes(customer: Customer) -> list[TimelineEvent]:
    """Each dispute once where it was opened, with its status today; then each change of
    status (who, when, why), linked to the dispute's page."""
    events = []
    disputes = (
        Dispute.objects.filter(customer=customer)
        .select_related("opened_by", "credit_note")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DisputeEvent.objects.filter(kind=DisputeEventKind.STATUS).select_related(
                    "by"
                ),
                to_attr="moves",
            )
        )
        .order_by("-opened_on", "-pk")[:PER_KIND]
    )
    for dispute in disputes:
        url = reverse("dispute-detail", args=[dispute.pk])
        events.append(
            TimelineEvent(
                at=_day(dispute.opened_on),
                kind="dispute",
                title=_("Dispute opened: %(reason)s (%(status)s)")
                % {"reason": dispute.get_reason_display(), "status": dispute.get_status_display()},
                detail=dispute.note,
                by=_name(dispute.opened_by),
                url=url,
                tone="danger" if dispute.is_active else "secondary",
            )
        )
        moves: list[DisputeEvent] = getattr(dispute, "moves", [])  # the Prefetch's to_attr
        for move in moves:
            final = move.to_value != DisputeStatus.INVESTIGATING
            events.append(
                TimelineEvent(
                    at=move.at,
                    kind="resolved" if final else "dispute",
                    title=_dispute_move_title(move, dispute),
                    detail=move.comment,
                    by=_name(move.by),
                    url=url,
                    tone="success" if final else "warning",
                )
            )
    return events


_PROMISE_TONES: dict[str, str] = {PromiseStatus.KEPT: "success", PromiseStatus.BROKEN: "danger"}


def _promise_state(promise: PromiseToPay) -> str:
    """ "Pending", or "Kept on 18/03/2026" / "Broken on 20/03/2026" (when the check said so)."""
    if promise.decided_on is None:
        return promise.get_status_display()
    return _("%(state)s on %(day)s") % {
        "state": promise.get_status_display(),
        "day": _short(promise.decided_on),
    }


def _promises(customer: Customer) -> list[TimelineEvent]:
    """Each promise once, where it was taken, with what became of it."""
    return [
        TimelineEvent(
            at=_day(promise.recorded_on),
            kind="promise",
            title=_("Promise to pay by %(day)s: %(state)s")
            % {"day": _short(promise.promised_for), "state": _promise_state(promise)},
            detail=promise.note,
            by=_name(promise.recorded_by),
            amount=promise.amount,
            url=reverse("customer-detail", args=[customer.pk]) + "#promises",
            tone=_PROMISE_TONES.get(promise.status, "info"),
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
            title=_("%(title)s: %(state)s")
            % {
                "title": task.title,
                "state": task.get_outcome_display() if task.outcome else task.get_status_display(),
            },
            detail=task.outcome_note,
            by=_name(task.done_by or task.assignee),
            url=reverse("task-detail", args=[task.pk]) if task.pk in openable else "",
            tone="success" if task.status == TaskStatus.DONE else "secondary",
        )
        for task in tasks
    ]


def _changes(customer: Customer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=change.at,
            kind="change",
            title=_("%(field)s changed") % {"field": change.label},
            detail=f"{change.before or '—'} → {change.after or '—'}",
            by=change.by,
        )
        for change in customer_changes(customer, limit=PER_KIND)
    ]


def _notes(customer: Customer) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=note.created_at,
            kind="note",
            title=_("Note withdrawn") if note.is_withdrawn else _("Note"),
            detail="" if note.is_withdrawn else note.body,
            by=_name(note.author),
            url=f"#note-{note.pk}",
            tone="secondary" if note.is_withdrawn else "info",
        )
        for note in Note.objects.filter(customer=customer)
        .select_related("author")
        .order_by("-created_at", "-pk")[:PER_KIND]
    ]


def _special_terms(customer: Customer) -> list[TimelineEvent]:
    """Terms agreed by sales: proposed, then confirmed or refused by finance (once each)."""
    events = []
    for terms in (
        SpecialTerms.objects.filter(customer=customer)
        .select_related("customer__entity", "invoice", "proposed_by", "decided_by")
        .prefetch_related("instalments")
        .order_by("-proposed_at", "-pk")[:PER_KIND]
    ):
        summary = terms_summary(terms)
        events.append(
            TimelineEvent(
                at=terms.proposed_at,
                kind="terms",
                title=_("Special terms proposed: %(kind)s") % {"kind": terms.get_kind_display()},
                detail=summary,
                by=_name(terms.proposed_by),
                tone="info",
            )
        )
        if terms.decided_at is not None:
            refused = terms.status == TermsStatus.REFUSED
            events.append(
                TimelineEvent(
                    at=terms.decided_at,
                    kind="terms",
                    title=(
                        _("Special terms refused: %(kind)s")
                        if refused
                        else _("Special terms confirmed: %(kind)s")
                    )
                    % {"kind": terms.get_kind_display()},
                    detail=terms.decision_note or summary,
                    by=_name(terms.decided_by),
                    tone="danger" if refused else "success",
                )
            )
    return events


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
        *_changes(customer),
        *_notes(customer),
        *_special_terms(customer),
        *registered_events(customer, reader),  # other apps' (core.timeline)
    ]
    return nlargest(limit, events, key=lambda event: event.at)

"""Recording what people learn about a customer, and the tasks and notifications that ask
them to act."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from encaisse.accounts.models import User
from encaisse.collaboration.disputes import (
    check_invoices_of,
    open_dispute,
)
from encaisse.collaboration.models import (
    CallOutcome,
    DisputeReason,
    Task,
    TaskKind,
    TaskStatus,
)
from encaisse.collaboration.notifications import (
    language_of,
    mark_notifications_read,
    notify,
    record_notification_email_failure,
    resend_lost_notification_emails,
    send_notification_email,
)
from encaisse.collaboration.permissions import can_record_task_outcome
from encaisse.collaboration.promises import record_promise
from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, format_money
from encaisse.ledger.models import Customer, Invoice, InvoiceKind
from encaisse.ledger.scoping import visible_customers

logger = logging.getLogger(__name__)

__all__ = [
    "TaskSpec",
    "cancel_task",
    "create_task",
    "create_tasks",
    "language_of",
    "mark_notifications_read",
    "notify",
    "open_dispute",
    "record_notification_email_failure",
    "record_promise",
    "record_task_outcome",
    "resend_lost_notification_emails",
    "send_notification_email",
]


def _task_headline(task: Task, invoices: Sequence[Invoice]) -> str:
    """The notification's title, e.g. "Appeler Béton Express : 3 factures, 12 345,67 € en
    retard", one translatable sentence in the active language; overdue on the day the task
    is due (no clock read, so a run as of a past date says the same)."""
    call = task.kind == TaskKind.CALL
    customer = task.customer.name
    if not invoices:
        sentence = (
            gettext("Call %(customer)s: %(title)s")
            if call
            else gettext("To do for %(customer)s: %(title)s")
        )
        return sentence % {"customer": customer, "title": task.title}
    count = len(invoices)
    what = ngettext("%(count)d invoice", "%(count)d invoices", count) % {"count": count}
    overdue = sum((i.open_amount for i in invoices if i.due_date < task.due_on), ZERO)
    currency = invoices[0].currency
    if overdue:
        sentence = (
            gettext("Call %(customer)s: %(invoices)s, %(amount)s overdue")
            if call
            else gettext("To do for %(customer)s: %(invoices)s, %(amount)s overdue")
        )
        amount = overdue
    else:
        sentence = (
            gettext("Call %(customer)s: %(invoices)s, %(amount)s open")
            if call
            else gettext("To do for %(customer)s: %(invoices)s, %(amount)s open")
        )
        amount = sum((i.open_amount for i in invoices), ZERO)
    return sentence % {
        "customer": customer,
        "invoices": what,
        "amount": format_money(amount, currency),
    }


@transaction.atomic
def create_task(
    *,
    customer: Customer,
    kind: TaskKind | str,
    title: str,
    due_on: dt.date,
    invoices: Sequence[Invoice],
    assignee: User | None = None,
    instructions: str = "",
    source: str = "",
) -> Task:
    """Give a person something to do about a customer and notify them.

    Idempotent by ``source``: when a task already has that source it is returned unchanged
    (and nobody is notified again). Without an assignee the task goes to finance's queue.
    The assignee must have the customer in their portfolio.
    """
    if source:
        existing = Task.objects.filter(source=source).first()
        if existing is not None:
            return existing
    if kind not in TaskKind.values:
        raise BadInput(f"kind: {kind!r} is not a kind of task ({', '.join(TaskKind.values)})")
    if not title.strip():
        raise BadInput("title: say what to do")
    invoices = list(invoices)
    if invoices:
        check_invoices_of(customer, invoices)
    if assignee is not None and not _visible_pairs([(assignee, customer)]):
        # The one rule, as in create_tasks: a person chose the assignee, so say no.
        raise BadInput(f"assignee: {assignee} does not have {customer} in their portfolio")
    try:
        with transaction.atomic():  # a savepoint: a twin created meanwhile wins
            task = Task.objects.create(
                customer=customer,
                assignee=assignee,
                kind=kind,
                title=title.strip(),
                instructions=instructions,
                due_on=due_on,
                source=source,
            )
    except IntegrityError:
        if source:
            return Task.objects.get(source=source)
        raise
    task.invoices.set(invoices)
    if assignee is not None:
        with translation.override(language_of(assignee)):
            notify(
                recipient=assignee,
                title=_task_headline(task, invoices),
                body=task.title + (f"\n{instructions}" if instructions else ""),
                url=reverse("task-detail", kwargs={"task_id": task.pk}),
                customer=customer,
                task=task,
            )
    return task


@dataclass(frozen=True)
class TaskSpec:
    """One task for create_tasks(); ``source`` makes it idempotent."""

    customer: Customer
    kind: str
    title: str
    due_on: dt.date
    invoice_ids: Sequence[int]
    source: str
    instructions: str = ""
    assignee: User | None = None


_BULK = 500  # rows per statement: under SQLite's bound-parameter limit


@transaction.atomic
def create_tasks(specs: Sequence[TaskSpec]) -> dict[str, Task]:
    """create_task() for many tasks at once (a dunning run's calls): set-based, by source.

    Tasks that exist already (same source) are kept as they are. An assignee who does not
    see the customer leaves the task to finance's queue. Each assignee is notified once: the
    task's headline when there is one, else how many calls and tasks wait in their day.
    Returns the tasks by source.
    """
    sources = [spec.source for spec in specs]
    if any(not source for source in sources):
        raise BadInput("source: every task of a batch needs one")
    tasks: dict[str, Task] = {}
    for start in range(0, len(sources), _BULK):
        chunk = sources[start : start + _BULK]
        tasks.update((task.source, task) for task in Task.objects.filter(source__in=chunk))
    new_specs = [spec for spec in specs if spec.source not in tasks]
    visible = _visible_pairs(
        [(spec.assignee, spec.customer) for spec in new_specs if spec.assignee is not None]
    )
    new_tasks = []
    for spec in new_specs:
        assignee, instructions = spec.assignee, spec.instructions
        if assignee is not None and (assignee.pk, spec.customer.pk) not in visible:
            # The one rule, as in create_task: never someone who cannot see the customer. A
            # run decided the assignee, so the task goes to finance's queue, saying why.
            logger.warning(
                "task %s: %s cannot see customer %s", spec.source, assignee, spec.customer.pk
            )
            note = gettext(
                "For finance: %(person)s does not have this customer in their portfolio."
            ) % {"person": assignee.get_full_name() or assignee.username}
            instructions, assignee = "\n".join(filter(None, [note, instructions])), None
        new_tasks.append(
            Task(
                customer=spec.customer,
                assignee=assignee,
                kind=spec.kind,
                title=spec.title.strip(),
                instructions=instructions,
                due_on=spec.due_on,
                source=spec.source,
            )
        )
    Task.objects.bulk_create(new_tasks, batch_size=_BULK)
    if new_tasks and new_tasks[0].pk is None:  # a backend that does not return keys
        created = Task.objects.filter(source__in=[task.source for task in new_tasks])
        by_source = {task.source: task for task in created}
        new_tasks = [by_source[task.source] for task in new_tasks]
    links = Task.invoices.through
    links.objects.bulk_create(
        (
            links(task_id=task.pk, invoice_id=invoice_id)
            for task, spec in zip(new_tasks, new_specs, strict=True)
            for invoice_id in spec.invoice_ids
        ),
        batch_size=_BULK,
    )
    _notify_new_tasks(new_tasks)
    tasks.update((task.source, task) for task in new_tasks)
    return tasks


def _visible_pairs(pairs: Sequence[tuple[User, Customer]]) -> set[tuple[int, int]]:
    """(assignee, customer) pairs where the assignee has the customer in their portfolio:
    the one check of who may be given a task, a query per assignee and batch."""
    by_assignee: dict[int, tuple[User, set[int]]] = {}
    for assignee, customer in pairs:
        by_assignee.setdefault(assignee.pk, (assignee, set()))[1].add(customer.pk)
    found: set[tuple[int, int]] = set()
    for assignee_pk, (assignee, customer_ids) in by_assignee.items():
        wanted = sorted(customer_ids)
        for start in range(0, len(wanted), _BULK):
            seen = visible_customers(assignee).filter(pk__in=wanted[start : start + _BULK])
            found.update((assignee_pk, pk) for pk in seen.values_list("pk", flat=True))
    return found


def _notify_new_tasks(tasks: Sequence[Task]) -> None:
    by_assignee: dict[int, list[Task]] = {}
    for task in tasks:
        if task.assignee is not None:
            by_assignee.setdefault(task.assignee.pk, []).append(task)
    for assigned in by_assignee.values():
        assignee = assigned[0].assignee
        assert assignee is not None  # noqa: S101  (grouped on it)
        with translation.override(language_of(assignee)):
            if len(assigned) == 1:
                task = assigned[0]
                invoices = list(task.invoices.all())
                notify(
                    recipient=assignee,
                    title=_task_headline(task, invoices),
                    body=task.title + (f"\n{task.instructions}" if task.instructions else ""),
                    url=reverse("task-detail", kwargs={"task_id": task.pk}),
                    customer=task.customer,
                    task=task,
                )
                continue
            title, counts = _batch_headline(assigned)
            body = "\n".join(
                [
                    *counts,
                    *(f"- {task.title}" for task in assigned[:20]),
                    *(["..."] if len(assigned) > 20 else []),
                ]
            )
            notify(recipient=assignee, title=title, body=body, url=reverse("my-day"))


def _batch_headline(tasks: Sequence[Task]) -> tuple[str, list[str]]:
    """The title of a notification of several new tasks, in the active language, and the
    line that counts calls and other tasks when there are both: what it says is counted."""
    calls = sum(1 for task in tasks if task.kind == TaskKind.CALL)
    others = len(tasks) - calls
    if not others:
        title = ngettext(
            "%(count)d new call in your day", "%(count)d new calls in your day", calls
        ) % {"count": calls}
        return title, []
    if not calls:
        title = ngettext(
            "%(count)d new task in your day", "%(count)d new tasks in your day", others
        ) % {"count": others}
        return title, []
    title = ngettext(
        "%(count)d new call or task in your day",
        "%(count)d new calls and tasks in your day",
        len(tasks),
    ) % {"count": len(tasks)}
    line = gettext("%(calls)s, %(tasks)s") % {
        "calls": ngettext("%(count)d call", "%(count)d calls", calls) % {"count": calls},
        "tasks": ngettext("%(count)d task", "%(count)d tasks", others) % {"count": others},
    }
    return title, [line]


def _invoices_for_outcome(task: Task) -> list[Invoice]:
    """The task's invoices still open; else all of them; else the customer's open invoices
    (a task about no invoice in particular is about the whole balance)."""
    invoices = list(task.invoices.all())
    still_open = [invoice for invoice in invoices if invoice.settled_on is None]
    if still_open or invoices:
        return still_open or invoices
    return list(task.customer.invoices.open().filter(kind=InvoiceKind.INVOICE))


@transaction.atomic
def record_task_outcome(
    *,
    task: Task,
    outcome: CallOutcome | str,
    by: User,
    note: str = "",
    on: dt.date,
    promised_for: dt.date | None = None,
    promised_amount: Decimal | None = None,
    dispute_reason: DisputeReason | str | None = None,
) -> Task:
    """Say how a task went; the task is done and whoever waits for it may go on.

    A promise records a PromiseToPay and a dispute opens a Dispute on the task's invoices,
    in the same transaction. Only the assignee, their manager, or finance may do it
    (PermissionDenied otherwise); a task is done once (BadInput the second time).
    """
    # Locked, so two taps (or two people) cannot both close it.
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("customer", "assignee")
        .get(pk=task.pk)
    )
    if not can_record_task_outcome(by, task):
        raise PermissionDenied
    if task.status != TaskStatus.OPEN:
        raise BadInput(f"status: this task is already {task.status}")
    if outcome not in CallOutcome.values:
        raise BadInput(f"outcome: {outcome!r} is not an outcome ({', '.join(CallOutcome.values)})")
    note = note.strip()
    if outcome == CallOutcome.PROMISE:
        if promised_for is None:
            raise BadInput("promised_for: give the date the customer promised to pay by")
        if promised_for < on:
            raise BadInput(f"promised_for: {promised_for.isoformat()} is already past")
        if promised_amount is not None and promised_amount <= 0:
            raise BadInput(f"promised_amount: {promised_amount} must be positive")
        task.promise = record_promise(
            customer=task.customer,
            invoices=_invoices_for_outcome(task),
            promised_for=promised_for,
            recorded_on=on,
            amount=promised_amount,
            recorded_by=by,
            note=note,
        )
    elif outcome == CallOutcome.DISPUTE:
        if not dispute_reason:
            raise BadInput("dispute_reason: choose why the customer disputes the invoices")
        if dispute_reason not in DisputeReason.values:
            raise BadInput(f"dispute_reason: {dispute_reason!r} is not a dispute reason")
        task.dispute = open_dispute(
            customer=task.customer,
            invoices=_invoices_for_outcome(task),
            reason=dispute_reason,
            opened_on=on,
            opened_by=by,
            note=note,
        )
    task.status = TaskStatus.DONE
    task.outcome = outcome
    task.outcome_note = note
    task.done_on = on
    task.done_by = by
    task.save(
        update_fields=[
            "status",
            "outcome",
            "outcome_note",
            "done_on",
            "done_by",
            "promise",
            "dispute",
        ]
    )
    task.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return task


@transaction.atomic
def cancel_task(*, task: Task, note: str = "") -> Task:
    """Nothing left to do (the invoices were paid, the scenario stopped): the task leaves
    everyone's day. A task already done stays done."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        return task
    task.status = TaskStatus.CANCELLED
    task.outcome_note = note
    task.save(update_fields=["status", "outcome_note"])
    task.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return task


# --- Notifications -----------------------------------------------------------------------

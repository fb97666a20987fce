"""Dunning runs: plan what is due and record it, never twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.collaboration.models import TaskKind, TaskStatus
from encaisse.collaboration.services import TaskSpec, create_tasks, language_of
from encaisse.dunning.engine import Actor, Channel, PlannedAction, plan_actions
from encaisse.dunning.labels import step_label
from encaisse.dunning.models import (
    ActionItem,
    ActionState,
    DunningAction,
    DunningRun,
    RunStatus,
)
from encaisse.dunning.snapshots import (
    ScenarioBook,
    customer_id_batches,
    scenario_book,
    snapshots_for,
)
from encaisse.dunning.states import move_actions
from encaisse.ledger.models import Customer


@dataclass(frozen=True)
class ActionLine:
    """A planned action as reports and the CLI show it."""

    customer_id: int
    customer: str  # external id
    step: str
    channel: str
    actor: str
    requires_approval: bool
    invoices: tuple[tuple[str, int, Decimal], ...]  # number, days past due, open amount

    @property
    def amount(self) -> Decimal:
        return sum((amount for _n, _d, amount in self.invoices), Decimal("0"))


@dataclass
class RunResult:
    as_of: dt.date
    dry_run: bool
    run_id: int | None = None
    customers: int = 0
    actions: list[ActionLine] = field(default_factory=list)


def action_key(customer_id: int, step_id: int, invoice_ids: Sequence[int]) -> str:
    """The unique key of an action: the same customer, step and invoices are one action."""
    text = f"{customer_id}:{step_id}:{','.join(str(i) for i in sorted(invoice_ids))}"
    return hashlib.sha256(text.encode()).hexdigest()


def _plan_batch(
    customer_ids: list[int], *, as_of: dt.date, book: ScenarioBook
) -> list[tuple[PlannedAction, int]]:
    batch = snapshots_for(customer_ids, as_of=as_of, book=book)
    planned = []
    for snapshot, scenario_id in batch.snapshots:
        for action in plan_actions(snapshot, as_of):
            planned.append((action, book.step_ids[scenario_id, action.step.key]))
    return planned


def _record(planned: list[tuple[PlannedAction, int]], *, as_of: dt.date, run: DunningRun) -> None:
    actions = [
        DunningAction(
            key=action_key(action.customer_id, step_id, action.invoice_ids),
            run=run,
            customer_id=action.customer_id,
            step_id=step_id,
            planned_for=as_of,
            amount=action.amount,
            state=(
                ActionState.AWAITING_APPROVAL
                if action.step.requires_approval
                else ActionState.PLANNED
            ),
        )
        for action, step_id in planned
    ]
    DunningAction.objects.bulk_create(actions)
    ids = dict(
        DunningAction.objects.filter(key__in=[a.key for a in actions]).values_list("key", "pk")
    )
    _insert_items(
        (
            ids[record.key],
            item.invoice_id,
            step_id,
            connection.ops.adapt_decimalfield_value(item.open_amount, 14, 2),
            item.days_past_due,
        )
        for record, (action, step_id) in zip(actions, planned, strict=True)
        for item in action.items
    )
    human = [
        (ids[record.key], action)
        for record, (action, _step_id) in zip(actions, planned, strict=True)
        if action.step.channel.is_human
    ]
    if human:
        _create_tasks(human, as_of=as_of)


_ITEM_COLUMNS = ("action_id", "invoice_id", "step_id", "open_amount", "days_past_due")
_ITEMS_PER_STATEMENT = 2000


def _insert_items(rows: Iterable[tuple[int, int, int, Any, int]]) -> None:
    """The invoice lines of the actions, straight to the table: a run can record hundreds of
    thousands, and model instances would cost more than the inserts."""
    table = connection.ops.quote_name(ActionItem._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _ITEM_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_ITEM_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (quoted names)
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, _ITEMS_PER_STATEMENT)):
            cursor.executemany(sql, chunk)


def _assignee(
    customer: Customer, actor: Actor, agency_managers: dict[int, User | None] | None = None
) -> User | None:
    """Who does a human step: the rep, their manager, the agency's manager, or finance (None)."""
    rep = customer.sales_rep
    if actor == Actor.SALES_REP:
        return rep
    if actor == Actor.SALES_MANAGER:
        return rep.manager if rep is not None else None
    if actor == Actor.AGENCY_MANAGER and customer.agency is not None:
        cache = {} if agency_managers is None else agency_managers
        if customer.agency.pk not in cache:
            cache[customer.agency.pk] = (
                customer.agency.managers.filter(is_active=True).order_by("pk").first()
            )
        return cache[customer.agency.pk]
    return None


def _create_tasks(human: list[tuple[int, PlannedAction]], *, as_of: dt.date) -> None:
    """A call or task step becomes a task for its person, who is notified; one per action."""
    customers = Customer.objects.select_related("sales_rep__manager", "agency").in_bulk(
        {action.customer_id for _pk, action in human}
    )
    specs = []
    agency_managers: dict[int, User | None] = {}
    for action_pk, action in human:
        customer = customers[action.customer_id]
        count = len(action.invoice_ids)
        kind = TaskKind.CALL if action.step.channel == Channel.CALL else TaskKind.TASK
        assignee = _assignee(customer, action.step.actor, agency_managers)
        with translation.override(language_of(assignee)):
            title = (
                ngettext(
                    "Call %(customer)s about %(count)d overdue invoice",
                    "Call %(customer)s about %(count)d overdue invoices",
                    count,
                )
                if kind == TaskKind.CALL
                else ngettext(
                    "Follow up %(customer)s: %(count)d overdue invoice",
                    "Follow up %(customer)s: %(count)d overdue invoices",
                    count,
                )
            ) % {"customer": customer.name, "count": count}
            instructions = _(
                "Dunning step '%(step)s'. Record the outcome: the scenario waits for it."
            ) % {"step": step_label(action.step.key)}
        specs.append(
            TaskSpec(
                customer=customer,
                kind=kind,
                title=title,
                due_on=as_of,
                invoice_ids=list(action.invoice_ids),
                source=f"dunning-action:{action_pk}",
                instructions=instructions,
                assignee=assignee,
            )
        )
    tasks = create_tasks(specs)
    DunningAction.objects.bulk_update(
        [
            DunningAction(pk=action_pk, task=tasks[f"dunning-action:{action_pk}"])
            for action_pk, _action in human
        ],
        ["task"],
        batch_size=500,
    )


def sync_task_outcomes() -> int:
    """Human steps whose task is done or cancelled are done: the scenario goes on."""
    finished = DunningAction.objects.filter(
        state=ActionState.PLANNED,
        task__status__in=[TaskStatus.DONE, TaskStatus.CANCELLED],
    )
    count = 0
    outcomes = set(finished.values_list("task__outcome", flat=True))
    for outcome in outcomes:  # a handful of outcomes: one set-based move each
        count += move_actions(
            finished.filter(task__outcome=outcome),
            to=ActionState.DONE,
            note="the task's outcome is recorded",
            outcome=outcome or "",
        )
    return count


def _lines(planned: list[tuple[PlannedAction, int]]) -> list[ActionLine]:
    external_ids = dict(
        Customer.objects.filter(pk__in={a.customer_id for a, _s in planned}).values_list(
            "pk", "external_id"
        )
    )
    return [
        ActionLine(
            customer_id=action.customer_id,
            customer=external_ids[action.customer_id],
            step=action.step.key,
            channel=action.step.channel.value,
            actor=action.step.actor.value,
            requires_approval=action.step.requires_approval,
            invoices=tuple((i.number, i.days_past_due, i.open_amount) for i in action.items),
        )
        for action, _step_id in planned
    ]


def execute_dunning_run(
    *,
    as_of: dt.date,
    dry_run: bool = False,
    started_by: User | None = None,
    customer_ids: Sequence[int] | None = None,
    partition: tuple[int, int] | None = None,
    run: DunningRun | None = None,
) -> RunResult:
    """Plan the actions due on ``as_of`` and (unless ``dry_run``) record them.

    Customers are handled in batches. For a real run each batch is one transaction that
    first locks its customers' rows, then reads what was already done: a second run, or
    one running at the same time, finds the actions recorded and plans nothing again. The
    database's unique keys are the last guard; a batch that hits one is read again.
    """
    if not dry_run:
        sync_task_outcomes()
    book = scenario_book()
    result = RunResult(as_of=as_of, dry_run=dry_run)
    shared_run = run is not None  # one worker's share of a run its caller opens and closes
    if not dry_run and run is None:
        run = DunningRun.objects.create(as_of=as_of, started_by=started_by)
    if run is not None:
        result.run_id = run.pk
    try:
        for batch in customer_id_batches(customer_ids, partition=partition):
            result.customers += len(batch)
            if dry_run:
                result.actions += _lines(_plan_batch(batch, as_of=as_of, book=book))
                continue
            assert run is not None  # noqa: S101  (a real run has its row)
            result.actions += _lines(_record_batch(batch, as_of=as_of, book=book, run=run))
    except Exception as error:
        if run is not None:
            DunningRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
        raise
    if run is not None and shared_run:
        DunningRun.objects.filter(pk=run.pk).update(
            customers=F("customers") + result.customers,
            actions=F("actions") + len(result.actions),
        )
    elif run is not None:
        DunningRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            customers=result.customers,
            actions=len(result.actions),
            finished_at=timezone.now(),
        )
    return result


def _record_batch(
    batch: list[int], *, as_of: dt.date, book: ScenarioBook, run: DunningRun
) -> list[tuple[PlannedAction, int]]:
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                list(
                    Customer.objects.select_for_update()
                    .filter(pk__in=batch)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                planned = _plan_batch(batch, as_of=as_of, book=book)
                _record(planned, as_of=as_of, run=run)
                return planned
        except IntegrityError:
            if attempt == 2:
                raise
    return []

"""The engine's inputs, built in bulk a batch of customers at a time: each customer's
``CustomerSnapshot`` (open items, steps done, pauses) and the scenario it follows
(``followed_scenario``, the one rule the run, the customer page and the counts share)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F

from encaisse.collaboration.models import (
    ACTIVE_DISPUTE_STATUSES,
    Dispute,
    PromiseStatus,
    PromiseToPay,
    SpecialTerms,
    TaskStatus,
    TermsInstalment,
    TermsKind,
    TermsStatus,
)
from encaisse.collaboration.promises import paused_until
from encaisse.dunning.engine import (
    Actor,
    Channel,
    CustomerSnapshot,
    Instalment,
    OpenItem,
    StepRule,
)
from encaisse.dunning.models import (
    ActionItem,
    ActionState,
    DunningProfile,
    HoldRequest,
    HoldStatus,
    Scenario,
    ScenarioSegment,
    Step,
)
from encaisse.ledger.models import Customer, Invoice

BATCH_SIZE = 1000


@dataclass(frozen=True)
class ScenarioBook:
    """Every scenario's steps, and which scenario a customer follows."""

    steps: dict[int, tuple[StepRule, ...]]  # scenario id -> rules
    step_ids: dict[tuple[int, str], int]  # (scenario id, step key) -> Step id
    by_segment: dict[str, int]
    default: int | None

    def scenario_for(self, segment: str, explicit: int | None) -> int | None:
        return followed_scenario(
            own=explicit, segment=segment, by_segment=self.by_segment, default=self.default
        )


def followed_scenario(
    *, own: int | None, segment: str, by_segment: Mapping[str, int], default: int | None
) -> int | None:
    """The one rule of which scenario a customer follows: its own (set by finance), else the
    one that holds its segment, else the default scenario."""
    if own is not None:
        return own
    return by_segment.get(segment, default)


def scenario_book() -> ScenarioBook:
    steps: dict[int, list[StepRule]] = defaultdict(list)
    step_ids = {}
    for step in Step.objects.order_by("scenario_id", "position"):
        steps[step.scenario_id].append(
            StepRule(
                key=step.key,
                offset_days=step.offset_days,
                channel=Channel(step.channel),
                actor=Actor(step.actor),
                requires_approval=step.requires_approval,
                min_amount=step.min_amount,
            )
        )
        step_ids[step.scenario_id, step.key] = step.pk
    default = Scenario.objects.filter(is_default=True).values_list("pk", flat=True).first()
    return ScenarioBook(
        steps={scenario: tuple(rules) for scenario, rules in steps.items()},
        step_ids=step_ids,
        by_segment=dict(ScenarioSegment.objects.values_list("segment", "scenario_id")),
        default=default,
    )


@dataclass(frozen=True)
class SnapshotBatch:
    snapshots: list[tuple[CustomerSnapshot, int]]  # with the scenario id each one follows


def customer_id_batches(
    customers: Sequence[int] | None = None,
    size: int = BATCH_SIZE,
    partition: tuple[int, int] | None = None,
) -> Iterator[list[int]]:
    """Ids of customers with something open, in batches (keyset pagination, bounded memory).

    ``partition=(index, count)`` keeps the customers whose id modulo count is index, so
    several workers can share a run without meeting on the same customer.
    """
    open_items = Invoice.objects.receivable()
    if customers is not None:
        open_items = open_items.filter(customer_id__in=customers)
    if partition is not None:
        index, count = partition
        open_items = open_items.annotate(slot=F("customer_id") % count).filter(slot=index)
    last = 0
    while True:
        batch = list(
            open_items.filter(customer_id__gt=last)
            .order_by("customer_id")
            .values_list("customer_id", flat=True)
            .distinct()[:size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


@dataclass(frozen=True)
class AgreedTerms:
    """Confirmed special terms of a batch of customers, as dunning honours them."""

    due_dates: dict[int, dt.date]  # invoice id -> its agreed due date
    extra_days: dict[int, list[tuple[dt.date, int]]]  # customer -> (issued from, days)
    instalments: dict[int, tuple[Instalment, ...]]  # invoice id -> its plan

    def due_date(self, invoice_id: int, customer_id: int, issued: dt.date, due: dt.date) -> dt.date:
        """The due date dunning counts from: the invoice's own agreed one, else the
        customer's latest extension covering its issue date, else the ledger's."""
        if invoice_id in self.due_dates:
            return self.due_dates[invoice_id]
        for start, days in self.extra_days.get(customer_id, ()):
            if issued >= start:
                return due + dt.timedelta(days=days)
        return due


def agreed_terms(customer_ids: list[int]) -> AgreedTerms:
    """The confirmed terms that move due dates (proposed, refused or replaced ones change
    nothing; a discount changes no amount); the latest confirmed wins."""
    due_dates: dict[int, dt.date] = {}
    extra_days: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    plans: dict[int, int] = {}  # invoice id -> terms id
    confirmed = SpecialTerms.objects.filter(
        customer_id__in=customer_ids,
        status=TermsStatus.CONFIRMED,
        kind__in=[TermsKind.EXTENDED_DUE_DATE, TermsKind.INSTALMENTS],
    ).order_by("decided_at", "pk")
    rows = confirmed.values_list(
        "pk", "customer_id", "invoice_id", "invoice__due_date", "kind", "new_due_date",
        "extra_days", "applies_from",
    )  # fmt: skip
    for pk, customer_id, invoice_id, due, kind, new_due, days, applies_from in rows:
        if invoice_id is None:
            if days and applies_from is not None:
                extra_days[customer_id].insert(0, (applies_from, days))  # latest first
        elif kind == TermsKind.INSTALMENTS:
            plans[invoice_id] = pk
            due_dates.pop(invoice_id, None)
        else:
            due_dates[invoice_id] = new_due or due + dt.timedelta(days=days or 0)
            plans.pop(invoice_id, None)
    schedules: dict[int, list[Instalment]] = defaultdict(list)
    for terms_id, day, amount in TermsInstalment.objects.filter(
        terms_id__in=list(plans.values())
    ).values_list("terms_id", "due_date", "amount"):
        schedules[terms_id].append(Instalment(due_date=day, amount=amount))
    return AgreedTerms(
        due_dates=due_dates,
        extra_days=dict(extra_days),
        instalments={invoice: tuple(schedules[terms]) for invoice, terms in plans.items()},
    )


def snapshots_for(customer_ids: list[int], *, as_of: dt.date, book: ScenarioBook) -> SnapshotBatch:
    """The engine's input for a batch of customers, in a fixed number of queries."""
    invoices = list(
        Invoice.objects.receivable()
        .filter(customer_id__in=customer_ids, issue_date__lte=as_of)
        .order_by("customer_id", "due_date", "number")
        .values_list(
            "pk", "customer_id", "number", "issue_date", "due_date", "open_amount", "disputed"
        )
    )
    terms = agreed_terms(customer_ids)
    done: dict[int, set[str]] = defaultdict(set)
    awaiting: set[int] = set()
    finished = {ActionState.DONE, ActionState.CANCELLED, TaskStatus.DONE, TaskStatus.CANCELLED}
    for invoice_id, key, channel, state, task_status in ActionItem.objects.filter(
        invoice__customer_id__in=customer_ids
    ).values_list(
        "invoice_id", "step__key", "step__channel", "action__state", "action__task__status"
    ):
        # A cancelled step counts as done: finance decided to skip it, it does not come back.
        done[invoice_id].add(key)
        if Channel(channel).is_human and state not in finished and task_status not in finished:
            awaiting.add(invoice_id)
    # An active dispute pauses its invoices whole, even when it contests part of them; once
    # it is closed (by a credit note lettered against them, rejected or withdrawn) dunning
    # resumes on what is still open.
    disputed = set(
        Dispute.invoices.through.objects.filter(
            dispute__customer_id__in=customer_ids, dispute__status__in=ACTIVE_DISPUTE_STATUSES
        ).values_list("invoice_id", flat=True)
    )
    promised: dict[int, dt.date] = {}
    for invoice_id, promised_for in PromiseToPay.invoices.through.objects.filter(
        promisetopay__customer_id__in=customer_ids,
        promisetopay__status=PromiseStatus.PENDING,
    ).values_list("invoice_id", "promisetopay__promised_for"):
        until = paused_until(promised_for)
        promised[invoice_id] = max(until, promised.get(invoice_id, until))
    held = set(
        HoldRequest.invoices.through.objects.filter(
            holdrequest__customer_id__in=customer_ids,
            holdrequest__status__in=[HoldStatus.PENDING, HoldStatus.APPROVED],
            holdrequest__hold_until__gte=as_of,
        ).values_list("invoice_id", flat=True)
    )
    profiles = {
        row[0]: row[1:]
        for row in DunningProfile.objects.filter(customer_id__in=customer_ids).values_list(
            "customer_id", "scenario_id", "do_not_contact", "on_hold_until"
        )
    }
    segments = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "segment"))
    items_by_customer: dict[int, list[OpenItem]] = defaultdict(list)
    for pk, customer_id, number, issue_date, due_date, open_amount, disputed_in_erp in invoices:
        items_by_customer[customer_id].append(
            OpenItem(
                invoice_id=pk,
                number=number,
                due_date=terms.due_date(pk, customer_id, issue_date, due_date),
                open_amount=open_amount,
                done_steps=frozenset(done.get(pk, ())),
                awaiting_outcome=pk in awaiting,
                disputed=disputed_in_erp or pk in disputed,
                on_hold=pk in held,
                promised_until=promised.get(pk),
                instalments=terms.instalments.get(pk, ()),
            )
        )
    snapshots = []
    for customer_id in customer_ids:
        explicit, do_not_contact, on_hold_until = profiles.get(customer_id, (None, False, None))
        scenario = book.scenario_for(segments.get(customer_id, ""), explicit)
        if scenario is None or customer_id not in items_by_customer:
            continue
        snapshots.append(
            (
                CustomerSnapshot(
                    customer_id=customer_id,
                    items=tuple(items_by_customer[customer_id]),
                    steps=book.steps.get(scenario, ()),
                    do_not_contact=do_not_contact,
                    on_hold=on_hold_until is not None and on_hold_until >= as_of,
                ),
                scenario,
            )
        )
    return SnapshotBatch(snapshots=snapshots)

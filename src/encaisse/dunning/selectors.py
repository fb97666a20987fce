"""Reads for dunning: the engine's inputs built in bulk, a batch of customers at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from encaisse.accounts.models import User
from encaisse.dunning.engine import (
    PauseReason,
    StepRule,
    forecast,
    pause_reason,
)
from encaisse.dunning.labels import pause_label
from encaisse.dunning.models import (
    ActionState,
    DeliveryStatus,
    DunningAction,
    DunningProfile,
    HoldRequest,
    HoldStatus,
    MessageState,
    MessageTemplate,
    OutboundMessage,
    Scenario,
    ScenarioSegment,
    Step,
)
from encaisse.dunning.snapshots import (
    customer_id_batches,
    followed_scenario,
    scenario_book,
    snapshots_for,
)
from encaisse.ledger.models import Customer, Segment
from encaisse.ledger.scoping import visible_customers


@dataclass(frozen=True)
class UpcomingAction:
    day: dt.date
    customer_id: int
    customer_name: str
    sales_rep: str
    step: StepRule
    invoices: tuple[tuple[int, str, int, Decimal], ...]  # id, number, days past due, open

    @property
    def amount(self) -> Decimal:
        return sum((open_amount for *_rest, open_amount in self.invoices), Decimal("0"))

    @property
    def invoice_ids(self) -> str:
        return ",".join(str(invoice_id) for invoice_id, *_rest in self.invoices)


def upcoming_actions(
    customers: QuerySet[Customer], *, start: dt.date, days: int = 7
) -> list[UpcomingAction]:
    """What the runs of the next ``days`` days will plan for these customers (from the
    caller's portfolio), day by day: what sales can still stop."""
    book = scenario_book()
    window = [start + dt.timedelta(days=offset) for offset in range(days)]
    ids = list(customers.values_list("pk", flat=True))
    upcoming: list[UpcomingAction] = []
    for batch in customer_id_batches(ids):
        names = {
            row[0]: row[1:]
            for row in Customer.objects.filter(pk__in=batch).values_list(
                "pk", "name", "sales_rep__first_name", "sales_rep__last_name"
            )
        }
        for snapshot, _scenario in snapshots_for(batch, as_of=start, book=book).snapshots:
            name, first, last = names[snapshot.customer_id]
            for day, action in forecast(snapshot, window):
                upcoming.append(
                    UpcomingAction(
                        day=day,
                        customer_id=snapshot.customer_id,
                        customer_name=name,
                        sales_rep=f"{first or ''} {last or ''}".strip(),
                        step=action.step,
                        invoices=tuple(
                            (i.invoice_id, i.number, i.days_past_due, i.open_amount)
                            for i in action.items
                        ),
                    )
                )
    upcoming.sort(key=lambda a: (a.day, -a.amount))
    return upcoming


def actions_awaiting_approval(customers: QuerySet[Customer]) -> QuerySet[DunningAction]:
    return (
        DunningAction.objects.filter(
            customer__in=customers.values("pk"), state=ActionState.AWAITING_APPROVAL
        )
        .select_related("customer", "step", "customer__sales_rep")
        .prefetch_related("items__invoice")
        .order_by("planned_for", "customer__name")
    )


def pending_holds(customers: QuerySet[Customer]) -> QuerySet[HoldRequest]:
    return (
        HoldRequest.objects.filter(customer__in=customers.values("pk"), status=HoldStatus.PENDING)
        .select_related("customer", "requested_by")
        .prefetch_related("invoices")
    )


def outbox_messages(
    customers: QuerySet[Customer], status: DeliveryStatus | None = None
) -> QuerySet[OutboundMessage]:
    """The customers' messages, newest first; only those with ``status`` when given."""
    messages = OutboundMessage.objects.filter(
        action__customer__in=customers.values("pk")
    ).select_related("action__customer", "action__step")
    if status is not None:
        messages = messages.filter(OutboundMessage.status_filter(status))
    return messages.order_by("-created_at")


def customer_dunning_history(customer: Customer) -> QuerySet[DunningAction]:
    return (
        DunningAction.objects.filter(customer=customer)
        .select_related("step", "message", "task")
        .prefetch_related("items__invoice")
        .order_by("-planned_for", "-pk")
    )


def visible_actions(user: User) -> QuerySet[DunningAction]:
    return DunningAction.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_holds(user: User) -> QuerySet[HoldRequest]:
    return HoldRequest.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_messages(user: User) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        action__customer__in=visible_customers(user).values("pk")
    ).select_related("action__customer", "action__step")


@dataclass(frozen=True)
class FinanceQueue:
    """What waits for finance: the dashboard's to-do card."""

    awaiting_approval: int
    pending_holds: int
    failed_messages: int
    retrying_messages: int
    letters_to_print: int = 0
    letters_to_post: int = 0

    @property
    def total(self) -> int:
        return (
            self.awaiting_approval
            + self.pending_holds
            + self.failed_messages
            + self.retrying_messages
            + self.letters_to_print
            + self.letters_to_post
        )


def finance_queue(customers: QuerySet[Customer]) -> FinanceQueue:
    """Counts of the approvals, hold requests and messages that finance must look at."""
    messages = OutboundMessage.objects.filter(action__customer__in=customers.values("pk"))
    counts = messages.aggregate(
        failed=Count("pk", filter=Q(state=MessageState.FAILED)),
        retrying=Count("pk", filter=Q(state=MessageState.PENDING, attempts__gt=0)),
        to_print=Count("pk", filter=OutboundMessage.status_filter(DeliveryStatus.GENERATED)),
        to_post=Count("pk", filter=OutboundMessage.status_filter(DeliveryStatus.PRINTED)),
    )
    return FinanceQueue(
        awaiting_approval=actions_awaiting_approval(customers).count(),
        pending_holds=pending_holds(customers).count(),
        failed_messages=counts["failed"],
        retrying_messages=counts["retrying"],
        letters_to_print=counts["to_print"],
        letters_to_post=counts["to_post"],
    )


def customer_profile(customer: Customer) -> DunningProfile | None:
    """The customer's own dunning settings, if finance set any."""
    return DunningProfile.objects.filter(customer=customer).select_related("scenario").first()


def scenario_of(customer: Customer, profile: DunningProfile | None) -> Scenario | None:
    """The scenario the customer follows (``followed_scenario``)."""
    followed = followed_scenario(
        own=profile.scenario_id if profile is not None else None,
        segment=customer.segment,
        by_segment=dict(
            ScenarioSegment.objects.filter(segment=customer.segment).values_list(
                "segment", "scenario_id"
            )
        ),
        default=Scenario.objects.filter(is_default=True).values_list("pk", flat=True).first(),
    )
    return Scenario.objects.filter(pk=followed).first() if followed is not None else None


# --- Scenarios and templates (no customer data: every signed-in user may read them) ---


@dataclass(frozen=True)
class ScenarioOverview:
    scenario: Scenario
    segments: list[str]
    steps: list[Step]
    customers: int


def scenarios() -> QuerySet[Scenario]:
    """Every scenario (none holds customer data: every signed-in user may read them)."""
    return Scenario.objects.all()


def message_templates() -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.all()


def template_keys() -> list[str]:
    return sorted(set(MessageTemplate.objects.values_list("key", flat=True)))


def segment_owners() -> dict[str, Scenario]:
    """Which scenario holds each segment now."""
    return {
        link.segment: link.scenario for link in ScenarioSegment.objects.select_related("scenario")
    }


def default_scenario() -> Scenario | None:
    return Scenario.objects.filter(is_default=True).first()


def recorded_step_keys(scenario: Scenario) -> set[str]:
    """Keys of the scenario's steps that already have reminders recorded (they must stay)."""
    return set(
        Step.objects.filter(scenario=scenario, actions__isnull=False).values_list("key", flat=True)
    )


def scenario_overview() -> list[ScenarioOverview]:
    """Every scenario with its segments, its steps and how many customers follow it.

    A customer follows its own scenario (dunning profile) if it has one, else the scenario
    that holds its segment, else the default scenario.
    """
    rows = list(scenarios().prefetch_related("segments", "steps"))
    explicit = dict(
        DunningProfile.objects.filter(scenario__isnull=False)
        .order_by()
        .values_list("scenario_id")
        .annotate(count=Count("pk"))
    )
    by_segment = dict(
        Customer.objects.filter(
            Q(dunning_profile__isnull=True) | Q(dunning_profile__scenario__isnull=True)
        )
        .order_by()
        .values_list("segment")
        .annotate(count=Count("pk"))
    )
    owner = {link.segment: link.scenario_id for row in rows for link in row.segments.all()}
    default = next((row.pk for row in rows if row.is_default), None)
    counts: dict[int, int] = dict(explicit)
    for segment, count in by_segment.items():
        follows = followed_scenario(own=None, segment=segment, by_segment=owner, default=default)
        if follows is not None:
            counts[follows] = counts.get(follows, 0) + count
    labels = dict(Segment.choices)
    return [
        ScenarioOverview(
            scenario=row,
            segments=[str(labels.get(link.segment, link.segment)) for link in row.segments.all()],
            steps=list(row.steps.all()),
            customers=counts.get(row.pk, 0),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PausedInvoice:
    """An open invoice the run leaves alone today, and why (``PauseReason``)."""

    number: str
    reason: str
    until: dt.date | None  # the last day of a promise's pause

    @property
    def label(self) -> str:
        return pause_label(self.reason)


def paused_invoices(customer: Customer, *, as_of: dt.date) -> list[PausedInvoice]:
    """The customer's open invoices that get no reminder on ``as_of``, by the engine's own
    rule (``pause_reason``); the customer is already scoped."""
    paused = []
    for snapshot, _scenario in snapshots_for(
        [customer.pk], as_of=as_of, book=scenario_book()
    ).snapshots:
        for item in snapshot.items:
            reason = pause_reason(snapshot, item, as_of)
            if reason is None or reason == PauseReason.PAID:
                continue
            until = item.promised_until if reason == PauseReason.PROMISED else None
            paused.append(PausedInvoice(number=item.number, reason=str(reason), until=until))
    return paused

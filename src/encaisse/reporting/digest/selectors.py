"""The weekly portfolio of one user, as a plain record.

The figures come from ``reporting.selectors.aged_balance`` over ``visible_customers(user)``,
the very call behind ``encaisse report aged-balance --user U``; the coming dunning from
``dunning.selectors.upcoming_actions`` (the engine's forecast). Nothing is derived again here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from encaisse.accounts.models import User
from encaisse.accounts.permissions import GETS_PORTFOLIO_DIGEST, sees_only_own_customers
from encaisse.collaboration.models import (
    ACTIVE_DISPUTE_STATUSES,
    Dispute,
    PromiseStatus,
    PromiseToPay,
    TaskStatus,
)
from encaisse.collaboration.selectors import visible_tasks
from encaisse.dunning.selectors import upcoming_actions
from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.scoping import visible_customers
from encaisse.reporting.selectors import AgedRow, Grouping, aged_balance

# "This week": the digest's day and the six after it.
WEEK_DAYS = 7
TOP_OVERDUE = 5


def iso_week(day: dt.date) -> str:
    """``2026-W49``: the week a digest belongs to (one e-mail per user and week)."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class PromiseLine:
    customer_id: int
    customer_name: str
    sales_rep: str
    promised_for: dt.date
    amount: Decimal | None
    currency: str


@dataclass(frozen=True)
class DisputeLine:
    customer_id: int
    customer_name: str
    sales_rep: str
    reason: str  # a DisputeReason
    opened_on: dt.date
    invoices: int


@dataclass(frozen=True)
class DunningLine:
    day: dt.date
    customer_id: int
    customer_name: str
    sales_rep: str
    step: str  # the step's key ("reminder_1")
    channel: str  # "email", "letter"...
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    customer_id: int
    customer_name: str
    title: str
    due_on: dt.date


@dataclass
class PortfolioDigest:
    """What one user's weekly e-mail says, as of a day: their portfolio's figures (one row per
    currency), for a manager the same by rep, the customers most overdue, and the week's
    promises, disputes, dunning and tasks."""

    username: str
    name: str
    email: str
    as_of: dt.date
    totals: list[AgedRow]
    team: bool = False  # a manager's: their scope, with its figures by rep
    by_rep: list[AgedRow] = field(default_factory=list)
    top_overdue: list[AgedRow] = field(default_factory=list)
    promises: list[PromiseLine] = field(default_factory=list)
    disputes: list[DisputeLine] = field(default_factory=list)
    dunning: list[DunningLine] = field(default_factory=list)
    tasks: list[TaskLine] = field(default_factory=list)

    @property
    def week(self) -> str:
        return iso_week(self.as_of)

    @property
    def week_end(self) -> dt.date:
        return self.as_of + dt.timedelta(days=WEEK_DAYS - 1)

    @property
    def is_empty(self) -> bool:
        """Nothing open, nothing coming, nothing to do: no e-mail is worth sending."""
        return not (self.totals or self.promises or self.disputes or self.dunning or self.tasks)


def digest_recipients() -> QuerySet[User]:
    """Everyone who gets the weekly e-mail: active reps and managers with an e-mail address."""
    return (
        User.objects.filter(role__in=GETS_PORTFOLIO_DIGEST, is_active=True)
        .exclude(email="")
        .order_by("username")
    )


def _rep_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def disputes_waiting_on(user: User, customers: QuerySet[Customer]) -> QuerySet[Dispute]:
    """The disputes the user should move this week: for a rep, the active ones they own; for
    a manager, every active one of their scope (their team's)."""
    active = Dispute.objects.filter(
        customer__in=customers.values("pk"), status__in=ACTIVE_DISPUTE_STATUSES
    )
    if sees_only_own_customers(user):
        active = active.filter(owner=user)
    return active.order_by("due_on", "opened_on", "pk")


def _promises_due(customers: QuerySet[Customer], start: dt.date, end: dt.date) -> list[PromiseLine]:
    promises = (
        PromiseToPay.objects.filter(
            customer__in=customers.values("pk"),
            status=PromiseStatus.PENDING,
            promised_for__gte=start,
            promised_for__lte=end,
        )
        .select_related("customer__sales_rep", "customer__entity")
        .order_by("promised_for", "pk")
    )
    return [
        PromiseLine(
            customer_id=promise.customer_id,
            customer_name=promise.customer.name,
            sales_rep=str(promise.customer.sales_rep or ""),
            promised_for=promise.promised_for,
            amount=promise.amount,
            currency=promise.customer.entity.currency,
        )
        for promise in promises
    ]


def _disputes(user: User, customers: QuerySet[Customer]) -> list[DisputeLine]:
    disputes = (
        disputes_waiting_on(user, customers)
        .select_related("customer__sales_rep")
        .annotate(invoice_count=Count("invoices"))
    )
    return [
        DisputeLine(
            customer_id=dispute.customer_id,
            customer_name=dispute.customer.name,
            sales_rep=str(dispute.customer.sales_rep or ""),
            reason=dispute.reason,
            opened_on=dispute.opened_on,
            invoices=dispute.invoice_count,
        )
        for dispute in disputes
    ]


def _dunning(customers: QuerySet[Customer], start: dt.date) -> list[DunningLine]:
    actions = upcoming_actions(customers, start=start, days=WEEK_DAYS)
    invoice_ids = {invoice[0] for action in actions for invoice in action.invoices}
    currencies = dict(Invoice.objects.filter(pk__in=invoice_ids).values_list("pk", "currency"))
    return [
        DunningLine(
            day=action.day,
            customer_id=action.customer_id,
            customer_name=action.customer_name,
            sales_rep=action.sales_rep,
            step=action.step.key,
            channel=str(action.step.channel),
            amount=action.amount,
            currency=currencies.get(action.invoices[0][0], "EUR") if action.invoices else "EUR",
        )
        for action in actions
    ]


def _tasks(user: User, end: dt.date) -> list[TaskLine]:
    tasks = (
        visible_tasks(user)
        .filter(assignee=user, status=TaskStatus.OPEN, due_on__lte=end)
        .select_related("customer")
        .order_by("due_on", "pk")
    )
    return [
        TaskLine(
            task_id=task.pk,
            customer_id=task.customer_id,
            customer_name=task.customer.name,
            title=task.title,
            due_on=task.due_on,
        )
        for task in tasks
    ]


def portfolio_digest(user: User, *, as_of: dt.date) -> PortfolioDigest:
    """The weekly portfolio of ``user`` as of a day: only customers they may see."""
    customers = visible_customers(user)
    totals = aged_balance(customers, as_of=as_of, by=Grouping.TOTAL).totals
    by_customer = aged_balance(customers, as_of=as_of, by=Grouping.CUSTOMER).rows
    overdue = sorted(
        (row for row in by_customer if row.overdue > 0),
        key=lambda row: (-row.overdue, row.label),
    )
    by_rep = []
    team = not sees_only_own_customers(user)
    if team:
        by_rep = aged_balance(customers, as_of=as_of, by=Grouping.REP).rows
    end = as_of + dt.timedelta(days=WEEK_DAYS - 1)
    return PortfolioDigest(
        username=user.username,
        name=user.get_full_name() or user.username,
        email=user.email,
        as_of=as_of,
        totals=totals,
        team=team,
        by_rep=by_rep,
        top_overdue=overdue[:TOP_OVERDUE],
        promises=_promises_due(customers, as_of, end),
        disputes=_disputes(user, customers),
        dunning=_dunning(customers, as_of),
        tasks=_tasks(user, end),
    )

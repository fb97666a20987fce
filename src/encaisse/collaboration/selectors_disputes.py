"""What people read about disputes, always inside their portfolio: the disputes page and its
filters, "my disputes", one dispute with its history, and how long disputes take to resolve."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import formats
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.collaboration.models_disputes import (
    ACTIVE_DISPUTE_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeEventKind,
    DisputeReason,
    DisputeStatus,
)
from encaisse.collaboration.permissions import can_work_finance_queue
from encaisse.core.money import ZERO
from encaisse.ledger.models import Customer, Invoice, InvoiceKind
from encaisse.ledger.scoping import visible_customers

# The age filter of the disputes page: days since the dispute was opened.
AGES = {"lt30": (0, 29), "30to60": (30, 60), "gt60": (61, None)}


def visible_disputes(user: User) -> QuerySet[Dispute]:
    """The disputes on customers of ``user``'s portfolio."""
    return Dispute.objects.filter(customer__in=visible_customers(user).values("pk"))


def visible_dispute(user: User, dispute_id: int) -> Dispute | None:
    """One dispute ``user`` may see, with its invoices and history; None outside the
    portfolio."""
    return (
        visible_disputes(user)
        .select_related("customer", "owner", "opened_by", "resolved_by", "credit_note")
        .prefetch_related(
            Prefetch("invoices", queryset=Invoice.objects.order_by("due_date", "number")),
            Prefetch("events", queryset=DisputeEvent.objects.select_related("by")),
        )
        .filter(pk=dispute_id)
        .first()
    )


@dataclass(frozen=True)
class DisputeFilters:
    reason: str = ""
    owner: str = ""  # a user's id, or "finance" for the disputes nobody owns
    age: str = ""  # a key of AGES
    status: str = "active"  # "active", "closed", "all" or a status


def _late_first(disputes: QuerySet[Dispute], today: dt.date) -> QuerySet[Dispute]:
    return disputes.annotate(
        late=Case(
            When(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("late", "due_on", "opened_on", "pk")


def dispute_list(user: User, filters: DisputeFilters, *, today: dt.date) -> QuerySet[Dispute]:
    """The disputes page: overdue first, then by due date."""
    disputes = visible_disputes(user).select_related("customer", "owner")
    if filters.status == "active":
        disputes = disputes.filter(status__in=ACTIVE_DISPUTE_STATUSES)
    elif filters.status == "closed":
        disputes = disputes.exclude(status__in=ACTIVE_DISPUTE_STATUSES)
    elif filters.status in DisputeStatus.values:
        disputes = disputes.filter(status=filters.status)
    if filters.reason in DisputeReason.values:
        disputes = disputes.filter(reason=filters.reason)
    if filters.owner == "finance":
        disputes = disputes.filter(owner__isnull=True)
    elif filters.owner.isdigit():
        disputes = disputes.filter(owner_id=int(filters.owner))
    if filters.age in AGES:
        youngest, oldest = AGES[filters.age]
        disputes = disputes.filter(opened_on__lte=today - dt.timedelta(days=youngest))
        if oldest is not None:
            disputes = disputes.filter(opened_on__gte=today - dt.timedelta(days=oldest))
    return _late_first(disputes, today)


def my_disputes(user: User, *, today: dt.date) -> QuerySet[Dispute]:
    """The active disputes ``user`` owns (finance: also those nobody owns), late first."""
    mine = Q(owner=user)
    if can_work_finance_queue(user):
        mine |= Q(owner__isnull=True)
    disputes = visible_disputes(user).filter(mine, status__in=ACTIVE_DISPUTE_STATUSES)
    return _late_first(disputes.select_related("customer", "owner"), today)


@dataclass(frozen=True)
class DisputeCounts:
    open: int
    investigating: int
    overdue: int
    closed: int


def dispute_counts(user: User, *, today: dt.date) -> DisputeCounts:
    """The counts at the top of the disputes page, in one query."""
    counts = visible_disputes(user).aggregate(
        open=Count("pk", filter=Q(status=DisputeStatus.OPEN)),
        investigating=Count("pk", filter=Q(status=DisputeStatus.INVESTIGATING)),
        overdue=Count("pk", filter=Q(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=today)),
        closed=Count("pk", filter=~Q(status__in=ACTIVE_DISPUTE_STATUSES)),
    )
    return DisputeCounts(**counts)


def dispute_owners(user: User) -> list[User]:
    """Whoever owns a dispute ``user`` sees (the owner filter)."""
    ids = visible_disputes(user).exclude(owner__isnull=True).values("owner_id")
    return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username"))


def possible_owners(customer: Customer) -> list[User]:
    """The active users who may own a dispute of ``customer``: those who see it."""
    people = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    return [
        person for person in people if visible_customers(person).filter(pk=customer.pk).exists()
    ]


def disputable_invoices(customer: Customer) -> QuerySet[Invoice]:
    """The customer's invoices still open and in no active dispute."""
    in_dispute = Dispute.invoices.through.objects.filter(
        dispute__status__in=ACTIVE_DISPUTE_STATUSES, dispute__customer=customer
    ).values("invoice_id")
    return (
        Invoice.objects.receivable()
        .filter(customer=customer)
        .exclude(pk__in=in_dispute)
        .order_by("due_date", "number")
    )


def customer_credit_notes(customer: Customer) -> QuerySet[Invoice]:
    """The customer's credit notes with something left to letter, newest first."""
    return (
        Invoice.objects.open()
        .filter(customer=customer, kind=InvoiceKind.CREDIT_NOTE, open_amount__lt=0)
        .order_by("-issue_date", "-number")
    )


def customer_disputes(customer: Customer) -> list[Dispute]:
    """The customer page's disputes: the active ones, then the last closed ones."""
    disputes = Dispute.objects.filter(customer=customer).select_related("owner")
    active = list(disputes.filter(status__in=ACTIVE_DISPUTE_STATUSES).order_by("due_on", "pk"))
    closed = list(
        disputes.exclude(status__in=ACTIVE_DISPUTE_STATUSES).order_by("-resolved_on", "-pk")[:5]
    )
    return active + closed


def disputed_amount(dispute: Dispute) -> Decimal:
    """What the customer contests: the amount given, else what is open on the invoices."""
    if dispute.amount is not None:
        return dispute.amount
    return sum((invoice.open_amount for invoice in dispute.invoices.all()), ZERO)


@dataclass(frozen=True)
class ResolutionTime:
    """How long disputes took to close, for one reason or one owner."""

    label: str
    count: int
    mean_days: float
    median_days: float


def _times(rows: dict[str, list[int]]) -> list[ResolutionTime]:
    return sorted(
        (
            ResolutionTime(
                label=label,
                count=len(days),
                mean_days=round(statistics.fmean(days), 1),
                median_days=float(statistics.median(days)),
            )
            for label, days in rows.items()
        ),
        key=lambda row: (-row.count, row.label),
    )


def resolution_times(
    user: User, *, since: dt.date | None = None
) -> tuple[list[ResolutionTime], list[ResolutionTime]]:
    """Days from opening to closing of the closed disputes ``user`` sees (since ``since``,
    by closing date): per reason, per owner ("finance" for nobody)."""
    closed = visible_disputes(user).exclude(status__in=ACTIVE_DISPUTE_STATUSES)
    closed = closed.filter(resolved_on__isnull=False)
    if since is not None:
        closed = closed.filter(resolved_on__gte=since)
    reasons = dict(DisputeReason.choices)
    by_reason: dict[str, list[int]] = defaultdict(list)
    by_owner: dict[str, list[int]] = defaultdict(list)
    rows = closed.values_list(
        "reason", "owner__first_name", "owner__last_name", "owner__username", "opened_on",
        "resolved_on",
    )  # fmt: skip
    for reason, first, last, username, opened_on, resolved_on in rows:
        if resolved_on is None:  # filtered out above; keeps the type checker informed
            continue
        days = (resolved_on - opened_on).days
        by_reason[str(reasons.get(reason, reason))].append(days)
        owner = f"{first or ''} {last or ''}".strip() or username or ""  # "": finance
        by_owner[owner].append(days)
    return _times(by_reason), _times(by_owner)


@dataclass(frozen=True)
class HistoryLine:
    """One line of a dispute's history, said for a reader."""

    at: dt.datetime
    by: str
    what: str
    comment: str


def dispute_history(dispute: Dispute) -> list[HistoryLine]:
    """Every change of the dispute and every comment, oldest first."""
    events = list(dispute.events.all())
    owner_ids = {
        int(value)
        for event in events
        if event.kind == DisputeEventKind.OWNER
        for value in (event.from_value, event.to_value)
        if value.isdigit()
    }
    names = {
        person.pk: person.get_full_name() or person.username
        for person in User.objects.filter(pk__in=owner_ids)
    }
    statuses = dict(DisputeStatus.choices)

    def name(value: str) -> str:
        return names.get(int(value), "?") if value.isdigit() else str(_("Finance"))

    lines = []
    for event in events:
        if event.kind == DisputeEventKind.OPENED:
            what = str(_("Opened"))
        elif event.kind == DisputeEventKind.STATUS:
            what = f"{statuses.get(event.from_value, event.from_value)} → " + str(
                statuses.get(event.to_value, event.to_value)
            )
        elif event.kind == DisputeEventKind.OWNER:
            what = _("Owner: %(before)s → %(after)s") % {
                "before": name(event.from_value),
                "after": name(event.to_value),
            }
        elif event.kind == DisputeEventKind.DUE_DATE:
            what = _("Answer due on %(day)s") % {
                "day": formats.date_format(
                    dt.date.fromisoformat(event.to_value), "SHORT_DATE_FORMAT"
                )
            }
        else:
            what = str(_("Comment"))
        by = event.by.get_full_name() or event.by.username if event.by else ""
        lines.append(HistoryLine(at=event.at, by=by, what=what, comment=event.comment))
    return lines

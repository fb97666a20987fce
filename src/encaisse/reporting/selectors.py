"""Reports computed in the database with aggregate queries (never by loading invoices)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.core.money import ZERO
from encaisse.ledger.models import Allocation, Customer, Invoice, Payment, Segment
from encaisse.ledger.services import MONEY_FIELD, allocated_sum

# (key, label, smallest days past due, largest days past due); None means unbounded.
BUCKETS: tuple[tuple[str, Any, int | None, int | None], ...] = (
    ("not_due", gettext_lazy("Not due"), None, 0),
    ("1_30", gettext_lazy("1–30 days"), 1, 30),  # noqa: RUF001
    ("31_60", gettext_lazy("31–60 days"), 31, 60),  # noqa: RUF001
    ("61_90", gettext_lazy("61–90 days"), 61, 90),  # noqa: RUF001
    ("91_120", gettext_lazy("91–120 days"), 91, 120),  # noqa: RUF001
    ("over_120", gettext_lazy("> 120 days"), 121, None),
)
BUCKET_KEYS = tuple(key for key, *_rest in BUCKETS)


class Grouping(StrEnum):
    TOTAL = "total"
    CUSTOMER = "customer"
    REP = "rep"
    AGENCY = "agency"
    SEGMENT = "segment"


GROUPING_LABELS = {
    Grouping.TOTAL: gettext_lazy("Total"),
    Grouping.CUSTOMER: gettext_lazy("Customer"),
    Grouping.REP: gettext_lazy("Sales rep"),
    Grouping.AGENCY: gettext_lazy("Agency"),
    Grouping.SEGMENT: gettext_lazy("Segment"),
}

# The customer fields that identify and name a group, by grouping.
_GROUP_FIELDS: dict[Grouping, tuple[str, ...]] = {
    Grouping.TOTAL: (),
    Grouping.CUSTOMER: (
        "customer_id",
        "customer__name",
        "customer__external_id",
        "customer__blocked_since",
    ),
    Grouping.REP: (
        "customer__sales_rep_id",
        "customer__sales_rep__first_name",
        "customer__sales_rep__last_name",
        "customer__sales_rep__username",
    ),
    Grouping.AGENCY: ("customer__agency_id", "customer__agency__name", "customer__agency__code"),
    Grouping.SEGMENT: ("customer__segment",),
}


@dataclass
class AgedRow:
    """One line of the aged balance: a group's open amounts per bucket, in one currency."""

    key: str
    label: str
    currency: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, ZERO))
    unallocated: Decimal = ZERO
    items: int = 0
    customer_id: int | None = None
    # Whether the customer is blocked (risk.blocking): None on a row that is not a customer.
    blocked: bool | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) - self.unallocated

    @property
    def overdue(self) -> Decimal:
        return sum((v for k, v in self.buckets.items() if k != "not_due"), ZERO)

    @property
    def bucket_values(self) -> list[tuple[str, Any, Decimal]]:
        """(key, label, amount) per bucket, in order: what a table or a chart shows."""
        return [(key, label, self.buckets[key]) for key, label, *_rest in BUCKETS]

    def add(self, other: AgedRow) -> None:
        for key in BUCKET_KEYS:
            self.buckets[key] += other.buckets[key]
        self.unallocated += other.unallocated
        self.items += other.items


@dataclass
class AgedBalance:
    as_of: dt.date
    by: Grouping
    rows: list[AgedRow]
    totals: list[AgedRow]  # one per currency

    @property
    def currencies(self) -> list[str]:
        return [row.currency for row in self.totals]


def _bucket_conditions(as_of: dt.date) -> dict[str, Q]:
    conditions = {}
    for key, _label, low, high in BUCKETS:
        condition = Q()
        if high is not None:  # due on or after as_of - high days
            condition &= Q(due_date__gte=as_of - dt.timedelta(days=high))
        if low is not None:  # due on or before as_of - low days
            condition &= Q(due_date__lte=as_of - dt.timedelta(days=low))
        conditions[key] = condition
    return conditions


def _cache_is_exact(as_of: dt.date) -> bool:
    """The open-amount cache counts every allocation; it is the as-of value when none is later."""
    return not Allocation.objects.filter(date__gt=as_of).exists()


def _open_items_as_of(customers: QuerySet[Customer], as_of: dt.date) -> QuerySet[Invoice]:
    items = Invoice.objects.filter(customer__in=customers.values("pk"), issue_date__lte=as_of)
    if _cache_is_exact(as_of):  # nothing settled after as_of: what is open today was then
        return items.open().annotate(open_as_of=F("open_amount"))
    items = items.open_on(as_of)
    received = Allocation.objects.filter(invoice=OuterRef("pk"), date__lte=as_of)
    given = Allocation.objects.filter(credit_note=OuterRef("pk"), date__lte=as_of)
    return items.annotate(
        open_as_of=F("amount")
        - allocated_sum(received, "invoice")
        + allocated_sum(given, "credit_note")
    ).exclude(open_as_of=0)  # settled on that day, open again later (a returned payment)


def _unallocated_as_of(customers: QuerySet[Customer], as_of: dt.date) -> QuerySet[Payment]:
    payments = Payment.objects.filter(customer__in=customers.values("pk"), date__lte=as_of)
    if _cache_is_exact(as_of):
        return payments.open().annotate(unallocated_as_of=F("unallocated_amount"))
    payments = payments.open_on(as_of)
    used = Allocation.objects.filter(payment=OuterRef("pk"), date__lte=as_of)
    return payments.annotate(unallocated_as_of=F("amount") - allocated_sum(used, "payment"))


def _group_identity(by: Grouping, values: dict[str, Any]) -> tuple[str, str, int | None]:
    """(key, label, customer id) of a group from the values of its fields."""
    if by == Grouping.TOTAL:
        return "total", str(_("Total")), None
    if by == Grouping.CUSTOMER:
        return values["customer__external_id"], values["customer__name"], values["customer_id"]
    if by == Grouping.REP:
        if values["customer__sales_rep_id"] is None:
            return "", str(_("No sales rep")), None
        first, last = (
            values["customer__sales_rep__first_name"],
            values["customer__sales_rep__last_name"],
        )
        name = f"{first} {last}"
        return (
            values["customer__sales_rep__username"],
            name.strip() or values["customer__sales_rep__username"],
            None,
        )
    if by == Grouping.AGENCY:
        if values["customer__agency_id"] is None:
            return "", str(_("No agency")), None
        return values["customer__agency__code"], values["customer__agency__name"], None
    segment = values["customer__segment"]
    return segment, str(Segment(segment).label) if segment in Segment.values else segment, None


def aged_balance(customers: QuerySet[Customer], *, as_of: dt.date, by: Grouping) -> AgedBalance:
    """The aged balance of ``customers`` as of a date, grouped, one row per group and currency.

    Invoices issued and payments dated after ``as_of`` are ignored; allocations count only
    when dated on or before it. Credit notes are aged by their due date like invoices
    (negative amounts). Unallocated payments lower a group's total, not a bucket.
    ``customers`` must come from ``ledger.scoping`` (the caller's portfolio).
    """
    group_fields = _GROUP_FIELDS[by]
    item_sums = {
        key: Coalesce(
            Sum(
                Case(When(condition, then=F("open_as_of")), default=Value(ZERO)),
                output_field=MONEY_FIELD,
            ),
            Value(ZERO),
            output_field=MONEY_FIELD,
        )
        for key, condition in _bucket_conditions(as_of).items()
    }
    item_rows = (
        _open_items_as_of(customers, as_of)
        .order_by()
        .values(*group_fields, "currency")
        .annotate(
            **{f"b_{key}": value for key, value in item_sums.items()},
            n=Count("pk"),
        )
    )
    payment_rows = (
        _unallocated_as_of(customers, as_of)
        .order_by()
        .values(*group_fields, "currency")
        .annotate(
            unallocated=Coalesce(Sum("unallocated_as_of"), Value(ZERO), output_field=MONEY_FIELD)
        )
    )
    rows: dict[tuple[str, str], AgedRow] = {}

    def row_for(values: dict[str, Any]) -> AgedRow:
        key, label, customer_id = _group_identity(by, values)
        currency = values["currency"]
        if (key, currency) not in rows:
            rows[key, currency] = AgedRow(
                key=key,
                label=label,
                currency=currency,
                customer_id=customer_id,
                blocked=(
                    values["customer__blocked_since"] is not None
                    if by == Grouping.CUSTOMER
                    else None
                ),
            )
        return rows[key, currency]

    for values in item_rows:
        row = row_for(values)
        for key in BUCKET_KEYS:
            row.buckets[key] += values[f"b_{key}"]
        row.items += values["n"]
    for values in payment_rows:
        row_for(values).unallocated += values["unallocated"]

    kept = [row for row in rows.values() if row.items or row.unallocated or row.total]
    kept.sort(key=lambda row: (row.currency, -row.total, row.label))
    return AgedBalance(as_of=as_of, by=by, rows=kept, totals=_totals(kept))


def _totals(rows: Iterable[AgedRow]) -> list[AgedRow]:
    totals: dict[str, AgedRow] = {}
    for row in rows:
        total = totals.setdefault(
            row.currency, AgedRow(key="total", label=str(_("Total")), currency=row.currency)
        )
        total.add(row)
    return [totals[currency] for currency in sorted(totals)]


DSO_PERIOD_DAYS = 90


def days_sales_outstanding(
    customers: QuerySet[Customer],
    *,
    as_of: dt.date,
    outstanding: Decimal,
    period_days: int = DSO_PERIOD_DAYS,
) -> Decimal | None:
    """DSO by the count-back-free method: outstanding / sales of the last ``period_days``
    days x ``period_days``. ``outstanding`` is the aged balance's total for the same
    customers (one currency). None when nothing was invoiced in the period."""
    start = as_of - dt.timedelta(days=period_days - 1)
    sales = Invoice.objects.filter(
        customer__in=customers.values("pk"), issue_date__gte=start, issue_date__lte=as_of
    ).aggregate(total=Sum("amount"))["total"]
    if not sales or sales <= 0:
        return None
    return (outstanding / sales * period_days).quantize(Decimal("1"))

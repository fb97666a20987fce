"""The factors of the risk score, measured set-based: each measurer takes the customers (a
list of ids, or None for all of them) and a day, and returns {customer id: {factor name:
value}} from a few aggregate queries, never a query per customer.

MEASURERS is the one list of them (the external rating, the field assessment, the limits
and the insurance cover are measured in ``risk.factors_plugged``, see docs/risk.md). The
points of each value are ``risk.score``'s, a pure function.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Greatest

from encaisse.collaboration.models import Dispute
from encaisse.collaboration.promises import promise_keeping_by_customer
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind, Payment
from encaisse.risk.factors_plugged import (
    measure_cover,
    measure_external_rating,
    measure_field_assessment,
    measure_limits,
)

Measured = dict[int, dict[str, float | int | None]]
Measurer = Callable[[Sequence[int] | None, dt.date], Measured]

YEAR = 365
QUARTER = 91
HALF = 182
CHUNK = 2000  # customers per ``IN (...)`` when a list is given
# Measured for the weak signals, not a factor of the score (names starting with "_").
PAID_LATE_BEFORE = "_paid_days_late_3_to_6_months_ago"


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (negative when ``later`` comes first)."""

    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _money(expression: Any) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(expression, output_field=DecimalField(max_digits=24, decimal_places=2))


def _day(value: dt.date) -> Value:
    return Value(value, output_field=DateField())


def _chunks(ids: Sequence[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    wanted = sorted(set(ids))
    return [wanted[start : start + CHUNK] for start in range(0, len(wanted), CHUNK)]


def _of(queryset: QuerySet[Any], field: str, ids: list[int] | None) -> QuerySet[Any]:
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _average(weighted: Decimal | int | None, total: Decimal | int | None) -> float | None:
    if not total:
        return None
    return round(float((weighted or 0) / total), 1)


def measure_payment_behaviour(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """Days past due over 3, 6 and 12 months and their trend, and the invoices paid in
    several payments. Days past due: money received in the window weighs by its days late
    (allocation date minus due date, never below zero), and what is still open and overdue
    by its days past due today. The trend compares the days late of the money received in
    the last 3 months with those of the 3 months before."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    late = Greatest(DaysBetween(F("date"), F("invoice__due_date")), Value(0))
    windows = {"3m": QUARTER, "6m": HALF, "12m": YEAR}
    for chunk in _chunks(ids):
        paid = _of(
            Allocation.objects.filter(
                payment__isnull=False,
                amount__gt=0,
                invoice__kind=InvoiceKind.INVOICE,
                date__gt=as_of - dt.timedelta(days=YEAR),
                date__lte=as_of,
            ),
            "invoice__customer_id",
            chunk,
        )
        aggregates: dict[str, Any] = {}
        for key, days in windows.items():
            since = Q(date__gt=as_of - dt.timedelta(days=days))
            aggregates[f"late_{key}"] = Sum(_money(F("amount") * late), filter=since)
            aggregates[f"paid_{key}"] = Sum("amount", filter=since)
        before = Q(
            date__gt=as_of - dt.timedelta(days=HALF), date__lte=as_of - dt.timedelta(days=QUARTER)
        )
        aggregates["late_prev"] = Sum(_money(F("amount") * late), filter=before)
        aggregates["paid_prev"] = Sum("amount", filter=before)
        for row in paid.values("invoice__customer_id").annotate(**aggregates).order_by():
            sums[row.pop("invoice__customer_id")].update(row)
        still_open = _of(
            Invoice.objects.open().filter(kind=InvoiceKind.INVOICE, due_date__lt=as_of),
            "customer_id",
            chunk,
        )
        rows = (
            still_open.values("customer_id")
            .annotate(
                open_late=Sum(_money(F("open_amount") * DaysBetween(_day(as_of), F("due_date")))),
                open_total=Sum("open_amount"),
            )
            .order_by()
        )
        for row in rows:
            sums[row.pop("customer_id")].update(row)
    measured: Measured = {}
    for customer_id, found in sums.items():
        opened, opened_late = found.get("open_total") or 0, found.get("open_late") or 0
        values: dict[str, float | int | None] = {}
        for key in windows:
            values[f"days_past_due_{key}"] = _average(
                (found.get(f"late_{key}") or 0) + opened_late,
                (found.get(f"paid_{key}") or 0) + opened,
            )
        # The trend is of payments only: an invoice left open ages by itself, every day.
        previous = _average(found.get("late_prev"), found.get("paid_prev"))
        now = _average(found.get("late_3m"), found.get("paid_3m"))
        values["delay_trend"] = (
            round(now - previous, 1) if now is not None and previous is not None else None
        )
        values[PAID_LATE_BEFORE] = previous
        measured[customer_id] = values
    for customer_id, count in _partly_paid_invoices(ids, as_of).items():
        measured.setdefault(customer_id, {})["partial_payments"] = count
    return measured


def _partly_paid_invoices(ids: Sequence[int] | None, as_of: dt.date) -> dict[int, int]:
    """Invoices that received more than one payment over the last 12 months, by customer."""
    found: dict[int, int] = defaultdict(int)
    for chunk in _chunks(ids):
        rows = (
            _of(
                Allocation.objects.filter(
                    payment__isnull=False,
                    amount__gt=0,
                    invoice__kind=InvoiceKind.INVOICE,
                    date__gt=as_of - dt.timedelta(days=YEAR),
                    date__lte=as_of,
                ),
                "invoice__customer_id",
                chunk,
            )
            .values("invoice_id", "invoice__customer_id")
            .annotate(payments=Count("payment_id", distinct=True))
            .filter(payments__gt=1)
            .order_by()
            .values_list("invoice__customer_id", flat=True)
        )
        for customer_id in rows:
            found[customer_id] += 1
    return found


def measure_promises_and_disputes(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """Promises to pay broken (ever), disputes still open, payments returned by the bank
    over the last 12 months."""
    measured: Measured = defaultdict(dict)
    wanted = ids if ids is not None else list(Customer.objects.values_list("pk", flat=True))
    for customer_id, keeping in promise_keeping_by_customer(wanted).items():
        measured[customer_id]["broken_promises"] = keeping.broken
    for chunk in _chunks(ids):
        disputes = _of(Dispute.objects.active(), "customer_id", chunk)
        for customer_id, count in (
            disputes.values("customer_id").annotate(n=Count("pk")).values_list("customer_id", "n")
        ):
            measured[customer_id]["active_disputes"] = count
        returned = _of(
            Payment.objects.filter(
                returns__isnull=False,
                date__gt=as_of - dt.timedelta(days=YEAR),
                date__lte=as_of,
            ),
            "customer_id",
            chunk,
        )
        for customer_id, count in (
            returned.values("customer_id").annotate(n=Count("pk")).values_list("customer_id", "n")
        ):
            measured[customer_id]["returned_payments"] = count
    return dict(measured)


# The measurers of the score, in the order of the "why": payment behaviour here, the rest
# from the other parts of risk (risk.factors_plugged). The exposure against the limits is
# the one limit rule's (risk.limits), a temporary limit and orders not yet invoiced in.
MEASURERS: list[Measurer] = [
    measure_payment_behaviour,
    measure_promises_and_disputes,
    measure_limits,
    measure_cover,
    measure_external_rating,
    measure_field_assessment,
]

# Every factor a customer's "why" lists, measured or not (no value: no points).
FACTORS: list[str] = [
    "days_past_due_3m",
    "days_past_due_6m",
    "days_past_due_12m",
    "delay_trend",
    "broken_promises",
    "active_disputes",
    "partial_payments",
    "returned_payments",
    "exposure_vs_limit",
    "over_days_limit",
    "exposure_vs_cover",
    "external_rating",
    "field_assessment",
]


def measure(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """Every factor of the customers (None: all of them) on ``as_of``."""
    merged: Measured = defaultdict(dict)
    for measurer in MEASURERS:
        for customer_id, values in measurer(ids, as_of).items():
            merged[customer_id].update(values)
    return dict(merged)

"""The one rule of credit limits: where customers stand against their limits, set-based.

Exposure = outstanding (open items less unallocated payments) + orders not yet invoiced.
The amount limit is the temporary one until its end date, else ``Customer.credit_limit``.
Days past due are counted on open invoices: the oldest overdue one, and the average of
every open invoice's days past due (0 when not yet due) weighted by its open amount.
Two queries for any number of customers: the balances and limits, and the open invoices'
amounts by customer and due date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, QuerySet, Sum

from encaisse.core.money import ZERO, to_money
from encaisse.ledger.models import Customer, Invoice, InvoiceKind
from encaisse.ledger.selectors import with_balances

WARNING_PERCENT = 80


@dataclass(frozen=True)
class LimitStatus:
    """A customer against its limits on a day; plain values for pages, alerts, exports."""

    customer_id: int
    limit: Decimal | None  # the amount limit in force
    permanent_limit: Decimal | None
    temporary_limit: Decimal | None
    temporary_until: dt.date | None
    outstanding: Decimal
    uninvoiced_orders: Decimal
    oldest_days: int  # days past due of the oldest overdue invoice, 0 when none
    average_days: Decimal  # weighted average days past due of the open invoices
    oldest_days_limit: int | None
    average_days_limit: int | None

    @property
    def exposure(self) -> Decimal:
        return self.outstanding + self.uninvoiced_orders

    @property
    def used_percent(self) -> int | None:
        if not self.limit:
            return None
        return int(self.exposure * 100 / self.limit)

    @property
    def over_amount(self) -> bool:
        return self.limit is not None and self.exposure > self.limit

    @property
    def near_amount(self) -> bool:
        """At 80 % of the amount limit or beyond (owing nothing is never near)."""
        return (
            self.limit is not None
            and self.exposure > 0
            and self.exposure * 100 >= self.limit * WARNING_PERCENT
        )

    @property
    def over_oldest_days(self) -> bool:
        return self.oldest_days_limit is not None and self.oldest_days > self.oldest_days_limit

    @property
    def over_average_days(self) -> bool:
        return self.average_days_limit is not None and self.average_days > self.average_days_limit

    @property
    def over_days(self) -> bool:
        return self.over_oldest_days or self.over_average_days

    @property
    def over_limit(self) -> bool:
        return self.over_amount or self.over_days

    @property
    def excess(self) -> Decimal:
        """What the exposure passes the amount limit by (0 when under or no limit)."""
        if self.limit is None or self.exposure <= self.limit:
            return ZERO
        return self.exposure - self.limit

    @property
    def has_limit(self) -> bool:
        return (
            self.limit is not None
            or self.oldest_days_limit is not None
            or self.average_days_limit is not None
        )


def amount_limit_in_force(
    permanent: Decimal | None,
    temporary: Decimal | None,
    until: dt.date | None,
    *,
    as_of: dt.date,
) -> Decimal | None:
    """The temporary limit until its end date (included), else the permanent one."""
    if temporary is not None and until is not None and as_of <= until:
        return temporary
    return permanent


def _days(as_of: dt.date, rows: Iterable[tuple[dt.date, Decimal]]) -> tuple[int, Decimal]:
    oldest = 0
    weighted = ZERO
    total = ZERO
    for due_date, amount in rows:
        late = max(0, (as_of - due_date).days)
        oldest = max(oldest, late)
        weighted += amount * late
        total += amount
    average = (weighted / total).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else ZERO
    return oldest, average


def limit_statuses(customers: QuerySet[Customer], *, as_of: dt.date) -> dict[int, LimitStatus]:
    """Each of ``customers`` against its limits on ``as_of``, by customer id (the caller
    scopes ``customers``)."""
    rows = list(
        with_balances(customers.order_by(), today=as_of).values_list(  # type: ignore[misc]  # with_balances annotates outstanding
            "pk",
            "outstanding",
            "credit_limit",
            "risk_limits__temporary_limit",
            "risk_limits__temporary_until",
            "risk_limits__uninvoiced_orders",
            "risk_limits__oldest_days_limit",
            "risk_limits__average_days_limit",
        )
    )
    due: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for customer_id, due_date, amount in (
        Invoice.objects.open()
        .filter(customer__in=customers.order_by().values("pk"), kind=InvoiceKind.INVOICE)
        .filter(open_amount__gt=0)
        .values("customer_id", "due_date")
        .annotate(total=Sum(F("open_amount")))
        .values_list("customer_id", "due_date", "total")
    ):
        due[customer_id].append((due_date, to_money(amount)))
    statuses = {}
    for (
        pk,
        outstanding,
        permanent,
        temporary,
        until,
        uninvoiced,
        oldest_limit,
        average_limit,
    ) in rows:
        oldest, average = _days(as_of, due.get(pk, ()))
        statuses[pk] = LimitStatus(
            customer_id=pk,
            limit=amount_limit_in_force(permanent, temporary, until, as_of=as_of),
            permanent_limit=permanent,
            temporary_limit=temporary if until is not None and as_of <= until else None,
            temporary_until=until if temporary is not None and until and as_of <= until else None,
            # SQLite sums decimals as floats: back to the cent.
            outstanding=to_money(outstanding),
            uninvoiced_orders=to_money(uninvoiced),
            oldest_days=oldest,
            average_days=average,
            oldest_days_limit=oldest_limit,
            average_days_limit=average_limit,
        )
    return statuses


def limit_status(customer: Customer, *, as_of: dt.date) -> LimitStatus:
    """One customer's status (the customer already scoped)."""
    return limit_statuses(Customer.objects.filter(pk=customer.pk), as_of=as_of)[customer.pk]

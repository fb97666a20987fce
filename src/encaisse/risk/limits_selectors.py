"""Reads about credit limits for pages and exports; each starts from ledger.scoping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from encaisse.accounts.models import User
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import narrowed_customers
from encaisse.risk.limit_alerts import with_any_limit
from encaisse.risk.limits import LimitStatus, limit_statuses
from encaisse.risk.models_limits import LimitChange, LimitRequest, LimitRequestStatus

BREACH_FILTERS = ("", "amount", "days", "near")
BATCH = 500  # ids per query (SQLite's limit on parameters)


@dataclass(frozen=True)
class OverLimitRow:
    customer: Customer
    status: LimitStatus


def over_limit_customers(
    user: User,
    *,
    as_of: dt.date,
    agency: int | None = None,
    rep: int | None = None,
    breach: str = "",
) -> list[OverLimitRow]:
    """The user's customers over a limit (``breach``: "amount", "days", or "near": at 80 %
    of the amount limit or beyond), the largest excess first."""
    customers = narrowed_customers(visible_customers(user), rep=rep, agency=agency)
    statuses = limit_statuses(with_any_limit(customers), as_of=as_of)

    def wanted(status: LimitStatus) -> bool:
        if breach == "amount":
            return status.over_amount
        if breach == "days":
            return status.over_days
        if breach == "near":
            return status.near_amount
        return status.over_limit

    kept = {pk: status for pk, status in statuses.items() if wanted(status)}
    wanted_ids = sorted(kept)
    by_pk: dict[int, Customer] = {}
    for start in range(0, len(wanted_ids), BATCH):
        by_pk |= (
            Customer.objects.filter(pk__in=wanted_ids[start : start + BATCH])
            .select_related("sales_rep", "agency", "entity")
            .in_bulk()
        )
    rows = [OverLimitRow(customer=by_pk[pk], status=status) for pk, status in kept.items()]
    return sorted(
        rows,
        key=lambda row: (-row.status.excess, -row.status.oldest_days, row.customer.name),
    )


def pending_limit_requests(user: User) -> QuerySet[LimitRequest]:
    """Requests to decide, oldest first, among the user's customers."""
    return (
        LimitRequest.objects.filter(
            customer__in=visible_customers(user).values("pk"),
            status=LimitRequestStatus.REQUESTED,
        )
        .select_related("customer__entity", "requested_by")
        .order_by("requested_at", "pk")
    )


def recently_decided_limit_requests(user: User, *, limit: int = 20) -> QuerySet[LimitRequest]:
    return (
        LimitRequest.objects.filter(customer__in=visible_customers(user).values("pk"))
        .exclude(status=LimitRequestStatus.REQUESTED)
        .select_related("customer__entity", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def visible_limit_requests(user: User) -> QuerySet[LimitRequest]:
    return LimitRequest.objects.filter(customer__in=visible_customers(user).values("pk"))


def customer_limit_requests(customer: Customer, *, limit: int = 10) -> list[LimitRequest]:
    """The customer's latest requests (the customer already scoped)."""
    return list(
        LimitRequest.objects.filter(customer=customer)
        .select_related("customer__entity", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


def customer_limit_changes(customer: Customer, *, limit: int = 40) -> list[LimitChange]:
    return list(LimitChange.objects.filter(customer=customer).select_related("changed_by")[:limit])

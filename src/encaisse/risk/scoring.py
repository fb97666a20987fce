"""Scoring customers: measure the factors (risk.factors), turn them into points and a score
(risk.score), and write every customer's current score and today's snapshot in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Customer
from encaisse.risk.factors import FACTORS, Measured, measure
from encaisse.risk.score import points_for, score_of
from encaisse.risk.score_writes import write_scores

BATCH = 2000

# Factors that count things: not found means none (0), not "not measured".
COUNTS = frozenset({"broken_promises", "active_disputes", "partial_payments", "returned_payments"})

# What each factor is, for the "why" (its unit follows the value).
FACTOR_LABELS = {
    "days_past_due_3m": _("Average days past due, last 3 months"),
    "days_past_due_6m": _("Average days past due, last 6 months"),
    "days_past_due_12m": _("Average days past due, last 12 months"),
    "delay_trend": _("Trend of days past due (last 3 months against the 3 before)"),
    "broken_promises": _("Promises to pay broken"),
    "active_disputes": _("Disputes still open"),
    "partial_payments": _("Invoices paid in several payments (12 months)"),
    "returned_payments": _("Payments returned by the bank (12 months)"),
    "exposure_vs_limit": _("Exposure against the credit limit in force (%)"),
    "over_days_limit": _("A limit in days crossed (1: yes)"),
    "external_rating": _("External rating (risk: 100 minus the agency's score)"),
    "field_assessment": _("Sales rep's field assessment (risk: 100 minus its score)"),
    "exposure_vs_cover": _("Outstanding above the insurance cover (%)"),
}


def factor_label(name: str) -> str:
    return str(FACTOR_LABELS.get(name, name))


@dataclass(frozen=True)
class ScoredCustomer:
    customer_id: int
    score: int
    factors: list[dict[str, Any]] = field(default_factory=list)


def explain(values: dict[str, float | int | None]) -> list[dict[str, Any]]:
    """The factors as stored and shown: [{"name", "value", "points"}], every known factor."""
    names = FACTORS + [name for name in values if name not in FACTORS and name[:1] != "_"]
    explained = []
    for name in names:
        value = values.get(name)
        if value is None and name in COUNTS:
            value = 0
        explained.append({"name": name, "value": value, "points": points_for(name, value)})
    return explained


def scored(measured: Measured, ids: Sequence[int]) -> list[ScoredCustomer]:
    rows = []
    for customer_id in ids:
        factors = explain(measured.get(customer_id, {}))
        score = score_of(factor["points"] for factor in factors)
        rows.append(ScoredCustomer(customer_id=customer_id, score=score, factors=factors))
    return rows


@dataclass(frozen=True)
class ScoringRun:
    as_of: dt.date
    customers: list[ScoredCustomer]
    measured: Measured


@transaction.atomic
def score_customers(*, as_of: dt.date, customer_ids: Sequence[int] | None = None) -> ScoringRun:
    """Score the customers (None: every customer) as of ``as_of``: their current score and
    the day's snapshot are written (again, when the day was scored already; on PostgreSQL
    a row that would not change is left alone). Set-based: a few aggregate queries and bulk
    writes, whatever the number of customers."""
    if customer_ids is None:
        ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        measured = measure(None, as_of)
    else:
        ids = sorted(
            set(Customer.objects.filter(pk__in=list(customer_ids)).values_list("pk", flat=True))
        )
        measured = measure(ids, as_of)
    rows = scored(measured, ids)
    write_scores(rows, as_of=as_of, now=timezone.now())
    return ScoringRun(as_of=as_of, customers=rows, measured=measured)

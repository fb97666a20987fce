"""The factors of the score that the other parts of risk know (see ``risk.factors``): the
external rating, the rep's field assessment, the exposure against the limits in force (a
temporary limit and orders not yet invoiced included; the days limits) and against the
insurance cover. Each measurer is set-based: a few queries per chunk of customers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from encaisse.ledger.models import Customer
from encaisse.risk.assessment import latest_assessments
from encaisse.risk.limits import limit_statuses
from encaisse.risk.ratings import uncovered_exposure, with_latest_rating

Measured = dict[int, dict[str, float | int | None]]
CHUNK = 2000


def _customers(ids: Sequence[int] | None) -> list[QuerySet[Customer]]:
    """The customers asked for, in chunks (None: all of them, at once)."""
    if ids is None:
        return [Customer.objects.all()]
    ordered = sorted(ids)
    return [
        Customer.objects.filter(pk__in=ordered[start : start + CHUNK])
        for start in range(0, len(ordered), CHUNK)
    ]


def measure_external_rating(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """100 minus the agency's latest score (higher: riskier), for the rated customers."""
    measured: Measured = {}
    for customers in _customers(ids):
        for pk, score in (
            with_latest_rating(customers)  # annotated: the type checker cannot see it
            .filter(rating_score__isnull=False)  # type: ignore[misc]
            .values_list("pk", "rating_score")
        ):
            measured[pk] = {"external_rating": 100 - int(score)}
    return measured


def measure_field_assessment(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """100 minus the rep's latest field assessment score, for the assessed customers."""
    measured: Measured = {}
    for customers in _customers(ids):
        for pk, record in latest_assessments(customers, as_of=as_of).items():
            measured[pk] = {"field_assessment": 100 - record.score}
    return measured


def measure_limits(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """The exposure (outstanding and orders not yet invoiced) as a percentage of the amount
    limit in force (a temporary one included), and whether a days limit is crossed (1)."""
    measured: Measured = {}
    limited = Q(credit_limit__gt=0) | Q(risk_limits__isnull=False)
    for customers in _customers(ids):
        for pk, status in limit_statuses(customers.filter(limited), as_of=as_of).items():
            values: dict[str, float | int | None] = {}
            if status.limit:
                values["exposure_vs_limit"] = round(float(status.exposure * 100 / status.limit), 1)
            if status.oldest_days_limit is not None or status.average_days_limit is not None:
                values["over_days_limit"] = 1 if status.over_days else 0
            if values:
                measured[pk] = values
    return measured


def measure_cover(ids: Sequence[int] | None, as_of: dt.date) -> Measured:
    """Outstanding above the insurance cover that counts today, as a percentage of it, for
    the insured customers."""
    measured: Measured = {}
    for customers in _customers(ids):
        for pk, cover, uncovered in (
            uncovered_exposure(customers, today=as_of)  # annotated: unseen by the type checker
            .filter(cover_amount__gt=0)  # type: ignore[misc]
            .values_list("pk", "cover_amount", "uncovered")
        ):
            measured[pk] = {"exposure_vs_cover": round(float(uncovered * 100 / cover), 1)}
    return measured

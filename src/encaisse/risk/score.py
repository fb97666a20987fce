"""The risk score's rule book, pure: from each factor's value to its risk points, and from
the points to the 0-100 score. No database, no clock (the factors are measured in
``risk.factors``; docs/risk.md prints this table).

Higher is riskier: 0 means nothing worrying was seen, 100 the worst. A factor's points only
grow with its value (worse behaviour never lowers the risk), and the score is their sum,
kept within 0-100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal

MAX_SCORE = 100


@dataclass(frozen=True)
class PointsTable:
    """``steps``: (threshold, points) by growing threshold: a value above a threshold earns
    at least its points; at or below the first threshold, none."""

    steps: tuple[tuple[Number, int], ...]

    @property
    def most(self) -> int:
        return self.steps[-1][1] if self.steps else 0

    def points(self, value: Number | None) -> int:
        """The points of ``value``; no value (nothing to measure), none."""
        if value is None:
            return 0
        earned = 0
        for threshold, points in self.steps:
            if value > threshold:
                earned = max(earned, points)
        return earned


# The table of every factor, in the order the "why" lists them. Days past due are the
# amount-weighted days between due date and payment (or today, for what is still open).
# The rating, the field assessment, the limits and the cover are measured by the other
# parts of risk (risk.factors_plugged).
POINTS: dict[str, PointsTable] = {
    "days_past_due_3m": PointsTable(((5, 3), (15, 6), (30, 10), (60, 15))),
    "days_past_due_6m": PointsTable(((5, 1), (15, 2), (30, 4), (60, 5))),
    "days_past_due_12m": PointsTable(((5, 1), (15, 2), (30, 4), (60, 5))),
    # Days past due of the last 3 months minus those of the 3 months before: growing, worse.
    "delay_trend": PointsTable(((0, 2), (5, 5), (15, 8))),
    "broken_promises": PointsTable(((0, 5), (1, 8), (2, 10))),
    "active_disputes": PointsTable(((0, 3), (1, 5), (2, 6))),
    # Invoices paid in several payments over the last 12 months.
    "partial_payments": PointsTable(((0, 2), (2, 4), (5, 6))),
    "returned_payments": PointsTable(((0, 8), (1, 12))),
    # Exposure (outstanding and orders not yet invoiced) as a percentage of the amount limit
    # in force, a temporary one included (no limit: not measured).
    "exposure_vs_limit": PointsTable(((80, 5), (100, 10), (120, 15))),
    # 1 when a limit in days is crossed (oldest overdue item, weighted average).
    "over_days_limit": PointsTable(((0, 8),)),
    # Outstanding above the insurer's cover, as a percentage of it.
    "exposure_vs_cover": PointsTable(((0, 3), (20, 5))),
    # 100 minus the agency's latest score (0-100, higher is safer there).
    "external_rating": PointsTable(((30, 5), (50, 10), (70, 15))),
    # 100 minus the rep's latest field assessment score.
    "field_assessment": PointsTable(((30, 4), (50, 7), (70, 10))),
}


def points_for(name: str, value: Number | None) -> int:
    """The risk points of factor ``name`` at ``value`` (an unknown factor earns none)."""
    table = POINTS.get(name)
    return table.points(value) if table is not None else 0


def score_of(points: Iterable[int]) -> int:
    """The 0-100 score of the factors' points."""
    return max(0, min(MAX_SCORE, sum(points)))

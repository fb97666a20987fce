"""Blocking's background job: the daily check of the blocking rules."""

from __future__ import annotations

from encaisse.core.dates import parse_iso_date
from encaisse.core.jobs import job
from encaisse.risk.blocking import apply_blocking_rules


@job()
def apply_blocking_rules_task(as_of: str) -> int:
    """Daily (settings.ENCAISSE_DAILY_JOBS): block the customers the rules find; safe twice."""
    return apply_blocking_rules(as_of=parse_iso_date(as_of, field="as_of"))

"""Background jobs of risk: thin adapters over its services (ids and ISO dates)."""

from __future__ import annotations

from encaisse.core.dates import parse_iso_date, today
from encaisse.core.jobs import job
from encaisse.risk.scoring import score_customers
from encaisse.risk.weak_signals import detect_weak_signals


@job()
def score_customers_task(as_of: str) -> dict[str, int]:
    """The nightly scoring (settings.ENCAISSE_DAILY_JOBS): every customer's score as of
    that day, then the day's weak signals, each told once; safe to run twice a day."""
    day = parse_iso_date(as_of, field="as_of")
    run = score_customers(as_of=day)
    signals = detect_weak_signals(as_of=day, measured=run.measured)
    return {"customers": len(run.customers), "weak_signals": len(signals)}


@job()
def rescore_customers_task(customer_ids: list[int]) -> int:
    """Score these customers again today, after something that changes their score (their
    invoices paid); how many were scored."""
    return len(score_customers(as_of=today(), customer_ids=customer_ids).customers)

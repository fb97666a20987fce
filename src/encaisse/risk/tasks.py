"""Risk's background jobs: thin adapters over its services (ids and ISO dates); each other
part keeps its own in a module of its own (tasks_*.py), imported here so that Celery's
autodiscovery finds them, one line each."""

from __future__ import annotations

from encaisse.core.dates import parse_iso_date, today
from encaisse.core.jobs import job
from encaisse.risk.scoring import score_customers
from encaisse.risk.tasks_assessment import remind_reps_of_due_assessments_task  # noqa: F401
from encaisse.risk.tasks_blocking import apply_blocking_rules_task  # noqa: F401
from encaisse.risk.tasks_limits import alert_limit_crossings_task  # noqa: F401
from encaisse.risk.tasks_ratings import announce_expiring_covers_task  # noqa: F401
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

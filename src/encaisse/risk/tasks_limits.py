"""Background jobs of credit limits (thin adapters over risk.limit_alerts)."""

from __future__ import annotations

import datetime as dt

from encaisse.core.jobs import job
from encaisse.risk.limit_alerts import alert_limit_crossings


@job()
def alert_limit_crossings_task(as_of: str) -> int:
    """Daily (settings.ENCAISSE_DAILY_JOBS): the rep and finance hear of limits crossed."""
    return alert_limit_crossings(as_of=dt.date.fromisoformat(as_of))

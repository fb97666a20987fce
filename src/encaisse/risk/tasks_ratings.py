"""Background jobs of ratings and credit insurance: thin adapters over the services."""

from __future__ import annotations

from encaisse.core.dates import parse_iso_date
from encaisse.core.jobs import job
from encaisse.risk.ratings import announce_expiring_covers


@job()
def announce_expiring_covers_task(as_of: str) -> int:
    """Daily (settings.ENCAISSE_DAILY_JOBS): tell finance, once, of the covers that end within
    30 days; safe to run twice."""
    return announce_expiring_covers(as_of=parse_iso_date(as_of, field="as_of"))

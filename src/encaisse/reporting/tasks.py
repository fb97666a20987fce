"""Background jobs of reporting: thin adapters over the services (ids and ISO dates)."""

from __future__ import annotations

import datetime as dt
import smtplib

from encaisse.core.jobs import job
from encaisse.reporting.digest.sending import (
    queue_weekly_portfolio_digests,
    send_portfolio_digest_by_id,
)


@job()
def send_weekly_portfolio_digests_task(as_of: str) -> int:
    """Daily (ENCAISSE_DAILY_JOBS): on or after the digest's weekday, queue the weekly
    portfolio e-mail of each recipient not sent this week yet; safe to run twice a day."""
    return queue_weekly_portfolio_digests(as_of=dt.date.fromisoformat(as_of))


@job(
    transient=(smtplib.SMTPException, OSError),  # the server refused or could not be reached
    retries=4,
)
def send_portfolio_digest_task(user_id: int, as_of: str) -> str:
    """One recipient's weekly portfolio e-mail (once a week, whatever the deliveries)."""
    return str(send_portfolio_digest_by_id(user_id=user_id, as_of=dt.date.fromisoformat(as_of)))

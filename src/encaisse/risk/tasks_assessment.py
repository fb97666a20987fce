"""Background job of the field assessment: a thin adapter over its service."""

from __future__ import annotations

from encaisse.core.dates import parse_iso_date
from encaisse.core.jobs import job
from encaisse.risk.assessment_reminders import remind_reps_of_due_assessments


@job()
def remind_reps_of_due_assessments_task(as_of: str) -> int:
    """Daily (settings.ENCAISSE_DAILY_JOBS): key accounts due for a field assessment become
    a task for their rep, once; safe to run twice."""
    return remind_reps_of_due_assessments(as_of=parse_iso_date(as_of, field="as_of"))

"""The job layer's own jobs: the recoveries, once a minute (Celery beat) and at a worker's
start; and the daily housekeeping jobs (settings.ENCAISSE_DAILY_JOBS), once a day."""

from __future__ import annotations

from django.conf import settings

from encaisse.core.dates import today
from encaisse.core.jobs import enqueue, job, recover_lost_jobs


@job()
def recover_lost_jobs_task(at_start: bool = False) -> int:
    return recover_lost_jobs(at_start=at_start)


@job()
def run_daily_jobs_task(as_of: str | None = None) -> int:
    """Start each daily job (settings.ENCAISSE_DAILY_JOBS) for ``as_of`` (today by default);
    each is its own job, so one failing does not stop the others. How many were started."""
    day = as_of or today().isoformat()
    for name in settings.ENCAISSE_DAILY_JOBS:
        enqueue(name, as_of=day)
    return len(settings.ENCAISSE_DAILY_JOBS)

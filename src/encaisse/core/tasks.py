"""The job layer's own job: the recoveries, once a minute (Celery beat) and at a worker's start."""

from __future__ import annotations

from encaisse.core.jobs import job, recover_lost_jobs


@job()
def recover_lost_jobs_task(at_start: bool = False) -> int:
    return recover_lost_jobs(at_start=at_start)

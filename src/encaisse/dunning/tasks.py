"""Background jobs of dunning (encaisse.core.jobs): thin adapters over the services (ids and
ISO dates as arguments). Each is safe to run twice, so a job whose worker died runs again."""

from __future__ import annotations

import datetime as dt

from celery import chord
from django.conf import settings
from django.db.utils import OperationalError
from django.utils import timezone

from encaisse.core.dates import today
from encaisse.core.jobs import enqueue, job
from encaisse.dunning.models import DunningRun, RunStatus
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run

OUTBOX_JOB = "encaisse.dunning.tasks.send_outbox_task"


@job()
def execute_dunning_run_task(as_of: str | None = None, partitions: int | None = None) -> int:
    """Open a run and share it among workers, one customer partition each; returns the run id.
    Run twice, it opens a second run that finds everything planned already."""
    day = dt.date.fromisoformat(as_of) if as_of else today()
    count = partitions or settings.ENCAISSE_DUNNING_PARTITIONS
    run = DunningRun.objects.create(as_of=day)
    chord(plan_partition_task.s(run.pk, day.isoformat(), index, count) for index in range(count))(
        finish_dunning_run_task.s(run.pk)
    )
    return run.pk


@job()
def plan_partition_task(run_id: int, as_of: str, index: int, count: int) -> int:
    """Plan and record one partition of a run (safe to run twice: nothing is planned twice)."""
    run = DunningRun.objects.get(pk=run_id)
    result = execute_dunning_run(
        as_of=dt.date.fromisoformat(as_of), run=run, partition=(index, count)
    )
    return len(result.actions)


@job()
def finish_dunning_run_task(action_counts: list[int], run_id: int) -> int:
    DunningRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, finished_at=timezone.now())
    enqueue(OUTBOX_JOB)
    return sum(action_counts)


# A database that is briefly unavailable (SQLite busy, a PostgreSQL failover) is worth a
# retry; a message that cannot be sent is the outbox's own business (retried, then failed).
@job(transient=(OperationalError,), retries=3)
def send_outbox_task() -> dict[str, int]:
    """Compose and send what is due, each message exactly once (claims with fencing)."""
    return send_outbox().by_state

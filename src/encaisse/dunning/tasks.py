"""Celery tasks: thin adapters over the dunning services (ids and ISO dates as arguments)."""

from __future__ import annotations

import datetime as dt

from celery import chord, shared_task
from django.conf import settings
from django.utils import timezone

from encaisse.core.dates import today
from encaisse.dunning.models import DunningRun, RunStatus
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run


@shared_task
def execute_dunning_run_task(as_of: str | None = None, partitions: int | None = None) -> int:
    """Open a run and share it among workers, one customer partition each; returns the run id."""
    day = dt.date.fromisoformat(as_of) if as_of else today()
    count = partitions or settings.ENCAISSE_DUNNING_PARTITIONS
    run = DunningRun.objects.create(as_of=day)
    chord(plan_partition_task.s(run.pk, day.isoformat(), index, count) for index in range(count))(
        finish_dunning_run_task.s(run.pk)
    )
    return run.pk


@shared_task(acks_late=True)
def plan_partition_task(run_id: int, as_of: str, index: int, count: int) -> int:
    """Plan and record one partition of a run (safe to run twice: nothing is planned twice)."""
    run = DunningRun.objects.get(pk=run_id)
    result = execute_dunning_run(
        as_of=dt.date.fromisoformat(as_of), run=run, partition=(index, count)
    )
    return len(result.actions)


@shared_task
def finish_dunning_run_task(action_counts: list[int], run_id: int) -> int:
    DunningRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, finished_at=timezone.now())
    send_outbox_task.delay()
    return sum(action_counts)


@shared_task
def send_outbox_task() -> dict[str, int]:
    return send_outbox().by_state

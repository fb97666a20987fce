"""Uploads as background jobs (encaisse.core.jobs): a queued run is claimed by one worker,
shows it is alive while it runs, and is found again when its worker dies.

Writing an import is one transaction, so a worker that dies mid-way wrote nothing: its run
is queued again, once; a run lost twice (a file that kills its worker?) fails, and the
import page says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from encaisse.core.i18n import sentence_plural, to_data
from encaisse.core.jobs import enqueue, heartbeat, worker_id, worker_is_gone
from encaisse.imports.models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)

IMPORT_JOB = "encaisse.imports.tasks.run_import_task"
MAX_ATTEMPTS = 2  # a run lost with its worker starts once more; lost twice, it fails
RUNNING = (ImportStatus.CHECKING, ImportStatus.WRITING)
# Read on the import page in the reader's language (core.i18n).
LOST = sentence_plural(
    "The process running this import stopped before it finished. Import the file again.",
    "The process running this import stopped before it finished, %(count)s times. Import "
    "the file again; if it stops again, the file may be too large for the server: split it.",
    MAX_ATTEMPTS,
)


def queue_import_run(run_id: int) -> None:
    """Queue the import of an upload's run (after commit); its queuing time is its first
    sign of life, which tells the recoveries the run waits for a job."""
    ImportRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    enqueue(IMPORT_JOB, import_run_id=run_id)


def claim_queued_run(run_id: int) -> ImportRun | None:
    """The run, taken by this worker, when it was queued; None when another delivery of the
    job has it (or had it: started, finished). A run whose worker is gone is taken back first."""
    now = timezone.now()
    lost = ImportRun.objects.filter(pk=run_id, status__in=RUNNING).exclude(worker="").first()
    if lost is not None and worker_is_gone(lost.worker, lost.heartbeat_at, now=now):
        _take_back(lost, now=now)
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING,
        worker=worker_id(),
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    return ImportRun.objects.get(pk=run_id) if claimed else None


@contextmanager
def kept_alive(run: ImportRun) -> Iterator[None]:
    """The run's heartbeat while its worker imports it."""
    mine = ImportRun.objects.filter(pk=run.pk, worker=run.worker)
    with heartbeat(lambda: mine.update(heartbeat_at=timezone.now())):
        yield


def _take_back(run: ImportRun, *, now: dt.datetime) -> str | None:
    """A run whose worker is gone: queued again, or failed after its last attempt; its new
    status, or None when it changed meanwhile (another recovery, or the worker after all)."""
    again = run.attempts < MAX_ATTEMPTS
    changes = (
        {"status": ImportStatus.QUEUED, "progress_done": 0, "progress_total": 0}
        if again
        else {"status": ImportStatus.FAILED, "finished_at": now, "message": to_data(LOST)}
    )
    taken = ImportRun.objects.filter(pk=run.pk, status=run.status, worker=run.worker).update(
        worker="", heartbeat_at=now, interruptions=F("interruptions") + 1, **changes
    )
    if not taken:
        return None
    logger.warning(
        "import #%s: its worker %s is gone (%s, attempt %s): %s",
        run.pk, run.worker, run.status, run.attempts, "queued again" if again else "failed",
    )  # fmt: skip
    return str(changes["status"])


def recover_lost_import_runs(*, at_start: bool = False) -> int:
    """Runs whose worker is gone are queued again (or failed); queued runs whose job was
    lost (the app restarted, Redis was down) are queued again: all of them ``at_start``,
    else those waiting longer than ENCAISSE_JOB_LOST_AFTER_SECONDS. A run queued twice is
    imported once (see claim_queued_run). How many were recovered."""
    now = timezone.now()
    taken_back = []
    running = ImportRun.objects.filter(status__in=RUNNING).exclude(worker="")
    for run in running.only("pk", "status", "worker", "heartbeat_at", "attempts"):
        if worker_is_gone(run.worker, run.heartbeat_at, now=now):
            status = _take_back(run, now=now)
            if status is not None:
                taken_back.append(run.pk)
            if status == ImportStatus.QUEUED:
                enqueue(IMPORT_JOB, import_run_id=run.pk)
    recovered = len(taken_back)
    # Only uploads wait for a job (queue_import_run gives them a first sign of life); a run
    # of the command line is queued for an instant, by its own process.
    waiting = ImportRun.objects.filter(
        status=ImportStatus.QUEUED, heartbeat_at__isnull=False
    ).exclude(pk__in=taken_back)
    if not at_start:
        lost_after = dt.timedelta(seconds=settings.ENCAISSE_JOB_LOST_AFTER_SECONDS)
        waiting = waiting.filter(heartbeat_at__lt=now - lost_after)
    for run_id in waiting.values_list("pk", flat=True):
        if ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(heartbeat_at=now):
            enqueue(IMPORT_JOB, import_run_id=run_id)
            recovered += 1
    return recovered

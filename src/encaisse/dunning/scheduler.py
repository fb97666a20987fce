"""The in-process scheduler of the embedded default: no Celery, no Redis (Celery beat's
stand-in, CELERY_BEAT_SCHEDULE being the schedule with Redis).

Once a minute, through the job layer (run in this thread, with the jobs' retry policy): the
daily run when its time has come and today's run is not done yet, the daily housekeeping
jobs (settings.ENCAISSE_DAILY_JOBS) once a day, the outbox, and the recovery of what lost
jobs left behind. Started by `encaisse worker` without REDIS_URL, or
in a thread by `encaisse demo` / `encaisse serve` (ENCAISSE_BACKGROUND_SERVICES).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from encaisse.core.jobs import recover_lost_jobs, run_now
from encaisse.dunning.models import DunningRun, RunStatus

logger = logging.getLogger(__name__)


def run_time() -> dt.time:
    hour, _, minute = settings.ENCAISSE_DUNNING_RUN_AT.partition(":")
    return dt.time(int(hour), int(minute or 0))


def daily_jobs_time() -> dt.time:
    hour, _, minute = settings.ENCAISSE_DAILY_JOBS_AT.partition(":")
    return dt.time(int(hour), int(minute or 0))


# The day the daily jobs last ran in this process: after a restart they run again, which
# they allow (each is safe to run twice on a day).
_daily_jobs_done_on: dict[str, dt.date] = {}


def tick(now: dt.datetime | None = None) -> None:
    """What is due at ``now``: today's run (once), the daily jobs (once a day in this
    process), the outbox, the recoveries."""
    now = timezone.localtime(now or timezone.now())
    if now.time() >= daily_jobs_time() and _daily_jobs_done_on.get("daily") != now.date():
        _daily_jobs_done_on["daily"] = now.date()
        for name in settings.ENCAISSE_DAILY_JOBS:  # each with its own retries, in turn
            run_now(name, as_of=now.date().isoformat())
    if (
        now.time() >= run_time()
        and not DunningRun.objects.filter(as_of=now.date(), status=RunStatus.DONE).exists()
    ):
        run_now("encaisse.dunning.tasks.execute_dunning_run_task", as_of=now.date().isoformat())
    run_now("encaisse.dunning.tasks.send_outbox_task")
    recover_lost_jobs()


def run_forever(stop: threading.Event, interval: float = 60.0) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            tick()
        except Exception:
            logger.exception("scheduled dunning failed; trying again in a minute")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_in_thread() -> threading.Event:
    """Start the scheduler in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=run_forever, args=(stop,), name="encaisse-scheduler", daemon=True
    ).start()
    return stop

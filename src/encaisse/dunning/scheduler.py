"""The in-process scheduler of the embedded default: no Celery, no Redis.

Once a minute: the daily run when its time has come and today's run is not done yet, then
the outbox. Started by `encaisse worker` without REDIS_URL, or in a thread by `encaisse
demo` / `encaisse serve` (ENCAISSE_BACKGROUND_SERVICES).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from encaisse.dunning.models import DunningRun, RunStatus
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run

logger = logging.getLogger(__name__)


def run_time() -> dt.time:
    hour, _, minute = settings.ENCAISSE_DUNNING_RUN_AT.partition(":")
    return dt.time(int(hour), int(minute or 0))


def tick(now: dt.datetime | None = None) -> None:
    """What is due at ``now``: today's run (once) and the outbox."""
    now = timezone.localtime(now or timezone.now())
    if (
        now.time() >= run_time()
        and not DunningRun.objects.filter(as_of=now.date(), status=RunStatus.DONE).exists()
    ):
        result = execute_dunning_run(as_of=now.date())
        logger.warning("dunning run of %s: %d actions", now.date(), len(result.actions))
    send_outbox()


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

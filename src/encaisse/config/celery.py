"""Celery for production (REDIS_URL set): the workers of the job layer (encaisse.core.jobs);
they share dunning runs by customer partition.

Without REDIS_URL jobs run in the app's process (the embedded default needs no broker).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.config.settings")

app = Celery("encaisse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def recover_lost_jobs_at_worker_start(**_: Any) -> None:
    """A worker that starts (again) first finds what dead workers left half done."""
    from django.db import connections

    from encaisse.core.jobs import recover_lost_jobs

    try:
        recover_lost_jobs(at_start=True)
    finally:
        connections.close_all()

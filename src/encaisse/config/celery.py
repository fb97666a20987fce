"""Celery for production (REDIS_URL set): workers share dunning runs by customer partition.

Without REDIS_URL tasks run eagerly in-process (the embedded default needs no broker).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.config.settings")

app = Celery("encaisse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

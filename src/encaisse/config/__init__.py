# The Celery app is loaded with Django so that tasks bind to it (eager without REDIS_URL).
from encaisse.config.celery import app as celery_app

__all__ = ["celery_app"]

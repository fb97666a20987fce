"""The jobs of credit risk (Celery finds them here), each part's in a module of its own,
imported here one line each."""

from encaisse.risk.tasks_blocking import apply_blocking_rules_task  # noqa: F401

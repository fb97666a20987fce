"""Risk's background jobs; each part keeps its own in a module of its own (tasks_*.py),
imported here so that Celery's autodiscovery finds them, one line each."""

from encaisse.risk.tasks_assessment import remind_reps_of_due_assessments_task  # noqa: F401
from encaisse.risk.tasks_blocking import apply_blocking_rules_task  # noqa: F401
from encaisse.risk.tasks_ratings import announce_expiring_covers_task  # noqa: F401

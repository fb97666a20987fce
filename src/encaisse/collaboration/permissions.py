"""Who may act on a task. Which tasks a user sees at all is ``selectors.visible_tasks``."""

from __future__ import annotations

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_decide_disputes, can_open_disputes, can_run_dunning
from encaisse.collaboration.models import Dispute, Task


def can_work_finance_queue(user: User) -> bool:
    """Finance owns the dunning decisions and works the queue of unassigned tasks."""
    return can_run_dunning(user)


def can_record_task_outcome(user: User, task: Task) -> bool:
    """The assignee, the assignee's manager, or finance/admin may say how a task went."""
    if not (user.is_authenticated and user.is_active):
        return False
    if can_work_finance_queue(user):
        return True
    if task.assignee_id is None:
        return False
    if task.assignee_id == user.pk:
        return True
    return task.assignee is not None and task.assignee.manager_id == user.pk


def can_work_dispute(user: User, dispute: Dispute) -> bool:
    """Finance/admin, or the dispute's owner (whatever their role: someone of another
    department may own one), may move it on (assign, investigate, resolve)."""
    if can_decide_disputes(user):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and dispute.owner_id is not None
        and dispute.owner_id == user.pk
    )


def can_comment_dispute(user: User, dispute: Dispute) -> bool:
    """Whoever works the customer, and the dispute's owner, add to its history."""
    return can_open_disputes(user) or can_work_dispute(user, dispute)

"""A dunning action's states and the only way to change them.

An action is planned (or awaits finance's approval), then sent (a written step), done (a
human step whose outcome is recorded), failed (its message could not go), or cancelled
(by finance, or because everything was paid before it went out). ``TRANSITIONS`` lists the
moves allowed; ``move_actions`` makes them, set-based, and records each one (from, to, by
whom, when) as an ``ActionChange``. Nothing else writes an action's state.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.dunning.models import ActionChange, ActionState, DunningAction

TRANSITIONS: dict[str, frozenset[str]] = {
    ActionState.AWAITING_APPROVAL: frozenset({ActionState.PLANNED, ActionState.CANCELLED}),
    ActionState.PLANNED: frozenset(
        {ActionState.SENT, ActionState.FAILED, ActionState.DONE, ActionState.CANCELLED}
    ),
    ActionState.SENDING: frozenset({ActionState.SENT, ActionState.FAILED}),
    ActionState.SENT: frozenset(),
    ActionState.FAILED: frozenset(),
    ActionState.DONE: frozenset(),
    ActionState.CANCELLED: frozenset(),
}


def may_move(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


@transaction.atomic
def move_actions(
    actions: QuerySet[DunningAction],
    *,
    to: ActionState,
    by: User | None = None,
    note: str = "",
    **fields: Any,
) -> int:
    """Move the actions whose state allows it to ``to`` (with ``fields`` set too, such as
    ``outcome``); the others are left as they are. Returns how many moved. Locked while
    moving: two workers never move the same action twice."""
    allowed = [state for state, targets in TRANSITIONS.items() if to in targets]
    moving = list(actions.select_for_update().filter(state__in=allowed).values_list("pk", "state"))
    if not moving:
        return 0
    DunningAction.objects.filter(pk__in=[pk for pk, _state in moving]).update(
        state=to, updated_at=timezone.now(), **fields
    )
    ActionChange.objects.bulk_create(
        [
            ActionChange(
                action_id=pk, from_state=state, to_state=to, changed_by=by, note=note[:300]
            )
            for pk, state in moving
        ],
        batch_size=1000,
    )
    return len(moving)

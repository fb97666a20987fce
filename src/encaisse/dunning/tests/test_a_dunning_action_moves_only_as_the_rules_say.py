"""An action's state changes only along the allowed transitions, each one recorded with who
made it and when (dunning.states)."""

from __future__ import annotations

import datetime as dt

from encaisse.dunning.models import ActionChange, ActionState, DunningAction
from encaisse.dunning.services.decisions import approve_action
from encaisse.dunning.services.outbox import send_outbox
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.states import TRANSITIONS, may_move, move_actions
from encaisse.dunning.tests.test_outbox_sends_each_message_once import customer_with_late_invoices


def test_sent_done_failed_and_cancelled_are_final():
    for final in (ActionState.SENT, ActionState.DONE, ActionState.FAILED, ActionState.CANCELLED):
        assert TRANSITIONS[final] == frozenset()
    assert may_move(ActionState.AWAITING_APPROVAL, ActionState.PLANNED)
    assert not may_move(ActionState.SENT, ActionState.PLANNED)
    assert not may_move(ActionState.AWAITING_APPROVAL, ActionState.SENT)  # approve first


def test_each_change_says_who_and_when(dunning_ready, smtp_inbox, finance_fanny):
    customer_with_late_invoices(dunning_ready, "ST-1", "st@client.fr", days_late=50)
    execute_dunning_run(as_of=dt.date(2026, 4, 20))
    notice = DunningAction.objects.get(step__key="formal_notice")
    approve_action(action=notice, approved_by=finance_fanny)
    send_outbox()
    changes = list(
        ActionChange.objects.filter(action=notice).values_list(
            "from_state", "to_state", "changed_by__username"
        )
    )
    assert changes == [
        (ActionState.AWAITING_APPROVAL, ActionState.PLANNED, "fanny"),
        (ActionState.PLANNED, ActionState.SENT, None),  # the outbox
    ]
    assert all(change.changed_at for change in ActionChange.objects.all())


def test_a_move_the_rules_do_not_allow_changes_nothing(dunning_ready, smtp_inbox):
    customer_with_late_invoices(dunning_ready, "ST-2", "st2@client.fr")
    execute_dunning_run(as_of=dt.date(2026, 3, 11))
    send_outbox()
    sent = DunningAction.objects.filter(state=ActionState.SENT)
    assert sent.exists()
    assert move_actions(sent, to=ActionState.PLANNED) == 0
    assert move_actions(sent, to=ActionState.CANCELLED) == 0
    assert not DunningAction.objects.exclude(state=ActionState.SENT).exists()

"""The engine's rules as examples a credit manager would read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.dunning.engine import (
    Actor,
    Channel,
    CustomerSnapshot,
    OpenItem,
    PauseReason,
    StepRule,
    pause_reason,
    plan_actions,
)

STANDARD = (
    StepRule("courtesy", -5, Channel.EMAIL),
    StepRule("reminder_1", 15, Channel.EMAIL),
    StepRule("call", 30, Channel.CALL, Actor.SALES_REP),
    StepRule(
        "formal_notice", 45, Channel.LETTER, requires_approval=True, min_amount=Decimal("200")
    ),
)
DUE = dt.date(2026, 3, 1)


def item(number="F1", due=DUE, amount="1000", **kwargs):
    return OpenItem(
        invoice_id=int(number[1:]),
        number=number,
        due_date=due,
        open_amount=Decimal(amount),
        **kwargs,
    )


def steps_of(actions):
    return [action.step.key for action in actions]


def plan(*items, on, **kwargs):
    return plan_actions(CustomerSnapshot(customer_id=7, items=items, steps=STANDARD, **kwargs), on)


def test_courtesy_reminder_goes_out_five_days_before_the_due_date():
    assert plan(item(), on=dt.date(2026, 2, 23)) == []
    assert steps_of(plan(item(), on=dt.date(2026, 2, 24))) == ["courtesy"]


def test_first_reminder_goes_out_on_day_fifteen_not_fourteen():
    done = item(done_steps=frozenset({"courtesy"}))
    assert plan(done, on=dt.date(2026, 3, 15)) == []
    assert steps_of(plan(done, on=dt.date(2026, 3, 16))) == ["reminder_1"]


def test_invoices_due_for_the_same_step_are_grouped_into_one_action():
    actions = plan(item("F1"), item("F2", due=dt.date(2026, 2, 27)), on=dt.date(2026, 3, 20))
    assert steps_of(actions) == ["reminder_1"]
    assert actions[0].invoice_ids == (2, 1)  # oldest due first
    assert actions[0].amount == Decimal("2000")
    assert [i.days_past_due for i in actions[0].items] == [21, 19]


def test_an_old_invoice_starts_at_the_step_it_has_reached():
    assert steps_of(plan(item(), on=dt.date(2026, 4, 5))) == ["call"]


def test_a_call_waits_for_its_outcome_before_the_formal_notice():
    waiting = item(done_steps=frozenset({"reminder_1", "call"}), awaiting_outcome=True)
    assert plan(waiting, on=dt.date(2026, 5, 1)) == []
    answered = item(done_steps=frozenset({"reminder_1", "call"}))
    assert steps_of(plan(answered, on=dt.date(2026, 5, 1))) == ["formal_notice"]


def test_a_promise_pauses_until_its_date_then_dunning_resumes():
    promised = item(done_steps=frozenset({"reminder_1"}), promised_until=dt.date(2026, 4, 10))
    assert plan(promised, on=dt.date(2026, 4, 10)) == []
    assert steps_of(plan(promised, on=dt.date(2026, 4, 11))) == ["call"]


def test_formal_notice_waits_for_its_minimum_amount():
    small = item(amount="150", done_steps=frozenset({"reminder_1", "call"}))
    assert plan(small, on=dt.date(2026, 4, 20)) == []


def test_pause_reasons_say_why():
    on = dt.date(2026, 4, 1)
    snapshot = CustomerSnapshot(customer_id=1, items=(), steps=STANDARD)
    assert pause_reason(snapshot, item(amount="0"), on) == PauseReason.PAID
    assert pause_reason(snapshot, item(disputed=True), on) == PauseReason.DISPUTED
    assert pause_reason(snapshot, item(on_hold=True), on) == PauseReason.ON_HOLD
    assert pause_reason(snapshot, item(promised_until=on), on) == PauseReason.PROMISED
    assert pause_reason(snapshot, item(), on) is None


def test_the_week_ahead_shows_each_step_on_its_day_and_waits_after_a_call():
    from encaisse.dunning.engine import forecast

    days = [dt.date(2026, 3, 14) + dt.timedelta(days=n) for n in range(20)]
    snapshot = CustomerSnapshot(
        customer_id=7, items=(item(done_steps=frozenset({"courtesy"})),), steps=STANDARD
    )
    planned = [(day, action.step.key) for day, action in forecast(snapshot, days)]
    # The formal notice (day 45) is beyond the window; after the call everything waits anyway.
    assert planned == [(dt.date(2026, 3, 16), "reminder_1"), (dt.date(2026, 3, 31), "call")]

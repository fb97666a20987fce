"""Properties of plan_actions that must hold for every input (Hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from encaisse.dunning.engine import CustomerSnapshot, OpenItem, plan_actions
from encaisse.dunning.tests.engine.strategies import dates, scenarios, situations


def planned_ids(actions):
    return [invoice_id for action in actions for invoice_id in action.invoice_ids]


@given(situations())
def test_paid_or_credited_items_never_appear(situation):
    snapshot, as_of = situation
    settled = {item.invoice_id for item in snapshot.items if item.open_amount <= 0}
    assert not settled & set(planned_ids(plan_actions(snapshot, as_of)))


@given(situations())
def test_paused_items_get_nothing(situation):
    snapshot, as_of = situation
    paused = {
        item.invoice_id
        for item in snapshot.items
        if item.disputed
        or item.on_hold
        or item.awaiting_outcome
        or (item.promised_until is not None and item.promised_until >= as_of)
    }
    assert not paused & set(planned_ids(plan_actions(snapshot, as_of)))


@given(situations())
def test_a_customer_not_to_be_contacted_gets_nothing(situation):
    snapshot, as_of = situation
    silenced = dataclasses.replace(snapshot, do_not_contact=True)
    assert plan_actions(silenced, as_of) == []


@given(situations())
def test_each_item_is_in_at_most_one_action_and_each_step_once_per_customer(situation):
    snapshot, as_of = situation
    actions = plan_actions(snapshot, as_of)
    # pytest --hypothesis-show-statistics: most cases should plan something.
    event("plans something" if actions else "plans nothing")
    ids = planned_ids(actions)
    assert len(ids) == len(set(ids))
    keys = [action.step.key for action in actions]
    assert len(keys) == len(set(keys))


@given(situations())
def test_a_step_already_done_is_never_planned_again(situation):
    snapshot, as_of = situation
    done = {item.invoice_id: item.done_steps for item in snapshot.items}
    for action in plan_actions(snapshot, as_of):
        for invoice_id in action.invoice_ids:
            assert action.step.key not in done[invoice_id]


@given(situations())
def test_planned_step_is_due_and_comes_after_every_step_done(situation):
    snapshot, as_of = situation
    order = {step.key: index for index, step in enumerate(snapshot.steps)}
    items = {item.invoice_id: item for item in snapshot.items}
    for action in plan_actions(snapshot, as_of):
        for planned in action.items:
            item = items[planned.invoice_id]
            assert item.due_date + dt.timedelta(days=action.step.offset_days) <= as_of
            assert all(order[key] < order[action.step.key] for key in item.done_steps)


@given(situations())
def test_actions_respect_the_steps_minimum_amount(situation):
    snapshot, as_of = situation
    for action in plan_actions(snapshot, as_of):
        assert action.amount >= action.step.min_amount
        assert action.amount > 0


@settings(max_examples=60)
@given(scenarios(), st.lists(dates, min_size=1, max_size=5), st.integers(0, 400))
def test_day_by_day_each_item_gets_each_step_at_most_once_and_in_order(steps, dues, days):
    """Run every day for a while, feeding back what was done, as the real runs do."""
    items = {
        index: OpenItem(
            invoice_id=index, number=f"F{index}", due_date=due, open_amount=Decimal("1000")
        )
        for index, due in enumerate(dues, start=1)
    }
    history: dict[int, list[str]] = {index: [] for index in items}
    order = {step.key: index for index, step in enumerate(steps)}
    day = min(dues) - dt.timedelta(days=20)
    for _ in range(days):
        snapshot = CustomerSnapshot(customer_id=1, items=tuple(items.values()), steps=steps)
        actions = plan_actions(snapshot, day)
        for action in actions:
            for invoice_id in action.invoice_ids:
                history[invoice_id].append(action.step.key)
                item = items[invoice_id]
                items[invoice_id] = dataclasses.replace(
                    item, done_steps=item.done_steps | {action.step.key}
                )
        day += dt.timedelta(days=1)
    for keys in history.values():
        assert len(keys) == len(set(keys))
        assert [order[key] for key in keys] == sorted(order[key] for key in keys)


@given(scenarios(), dates, dates)
def test_an_old_invoice_gets_one_step_not_a_burst(steps, due, as_of):
    item = OpenItem(invoice_id=1, number="F1", due_date=due, open_amount=Decimal("5000"))
    actions = plan_actions(CustomerSnapshot(customer_id=1, items=(item,), steps=steps), as_of)
    assert len(actions) <= 1
    if actions:
        reached = [s for s in steps if due + dt.timedelta(days=s.offset_days) <= as_of]
        assert actions[0].step == reached[-1]


@given(situations())
def test_a_courtesy_reminder_never_goes_out_after_the_due_date(situation):
    snapshot, as_of = situation
    items = {item.invoice_id: item for item in snapshot.items}
    for action in plan_actions(snapshot, as_of):
        if action.step.offset_days < 0:
            assert all(as_of <= items[i].due_date for i in action.invoice_ids)

"""Special terms agreed by sales, as the engine sees them once finance confirmed them: an
instalment plan is dunned instalment by instalment (a longer due date is the item's due
date itself, set by the snapshot). Pure: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from encaisse.dunning.engine import (
    Channel,
    CustomerSnapshot,
    Instalment,
    OpenItem,
    StepRule,
    dunned_part,
    plan_actions,
)

STEPS = (
    StepRule("courtesy", -5, Channel.EMAIL),
    StepRule("reminder_1", 15, Channel.EMAIL),
    StepRule("reminder_2", 30, Channel.EMAIL),
)
PLAN = (
    Instalment(dt.date(2026, 3, 1), Decimal("400")),
    Instalment(dt.date(2026, 4, 1), Decimal("300")),
    Instalment(dt.date(2026, 5, 1), Decimal("300")),
)


def invoice(open_amount="1000", **kwargs):
    return OpenItem(
        invoice_id=1,
        number="F1",
        due_date=dt.date(2026, 2, 1),
        open_amount=Decimal(open_amount),
        instalments=PLAN,
        **kwargs,
    )


def plan(item, on):
    return plan_actions(CustomerSnapshot(customer_id=7, items=(item,), steps=STEPS), on)


def test_only_the_late_instalment_is_reminded_for_its_amount():
    (action,) = plan(invoice(done_steps=frozenset({"courtesy"})), dt.date(2026, 3, 16))
    assert action.step.key == "reminder_1"
    assert action.amount == Decimal("400")
    assert action.items[0].days_past_due == 15


def test_nothing_is_reminded_while_no_instalment_is_late():
    # the invoice's own due date (1 February) passed long ago; the first instalment's not
    assert plan(invoice(done_steps=frozenset({"courtesy"})), dt.date(2026, 2, 28)) == []


def test_the_courtesy_step_announces_the_first_instalment_for_its_amount():
    (action,) = plan(invoice(), dt.date(2026, 2, 24))
    assert action.step.key == "courtesy"
    assert action.amount == Decimal("400")


def test_payments_go_to_the_earliest_instalments_first():
    # 500 paid: the first instalment is settled, 200 of the second is left
    part = dunned_part(invoice(open_amount="500"), dt.date(2026, 4, 20))
    assert (part.due_date, part.open_amount) == (dt.date(2026, 4, 1), Decimal("200"))


def test_a_paid_first_instalment_leaves_the_next_one_unreminded_until_it_is_late():
    assert (
        plan(invoice(open_amount="600", done_steps=frozenset({"courtesy"})), dt.date(2026, 3, 20))
        == []
    )


def test_every_late_instalment_is_reminded_together_from_the_earliest_date():
    part = dunned_part(invoice(), dt.date(2026, 4, 10))
    assert (part.due_date, part.open_amount) == (dt.date(2026, 3, 1), Decimal("700"))


def test_an_invoice_paid_in_full_under_a_plan_is_not_reminded():
    assert dunned_part(invoice(open_amount="0"), dt.date(2026, 6, 1)).open_amount == 0
    assert plan(invoice(open_amount="0"), dt.date(2026, 6, 1)) == []


def test_an_item_without_a_plan_is_dunned_as_it_is():
    item = OpenItem(invoice_id=2, number="F2", due_date=dt.date(2026, 2, 1), open_amount=Decimal(9))
    assert dunned_part(item, dt.date(2026, 6, 1)) is item


# --- properties ---------------------------------------------------------------------------


@st.composite
def plans(draw):
    """An invoice under a plan of 2 to 6 instalments, part of it paid, and the run's day."""
    first = draw(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
    gaps = draw(st.lists(st.integers(7, 62), min_size=1, max_size=5))
    days = [first]
    for gap in gaps:
        days.append(days[-1] + dt.timedelta(days=gap))
    amounts = [
        draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2))
        for _ in days
    ]
    total = sum(amounts, Decimal("0"))
    paid = draw(st.sampled_from([Decimal("0"), total]) | st.decimals(0, total, places=2))
    item = OpenItem(
        invoice_id=1,
        number="F1",
        due_date=first - dt.timedelta(days=draw(st.integers(0, 60))),
        open_amount=total - paid,
        instalments=tuple(
            Instalment(day, amount) for day, amount in zip(days, amounts, strict=True)
        ),
    )
    as_of = first + dt.timedelta(days=draw(st.integers(-30, 420)))
    return item, as_of, paid


def _unpaid(item, paid):
    left = []
    for instalment in item.instalments:
        covered = min(paid, instalment.amount)
        paid -= covered
        if instalment.amount > covered:
            left.append((instalment.due_date, instalment.amount - covered))
    return left


@given(plans())
def test_under_a_plan_only_what_fell_due_is_asked_and_never_before_it(plan_and_day):
    item, as_of, paid = plan_and_day
    unpaid = _unpaid(item, paid)
    due = [amount for day, amount in unpaid if day <= as_of]
    for action in plan(item, as_of):
        assert action.amount <= item.open_amount
        # the instalments due by then, together; before any is due, the next one
        assert action.amount == (sum(due, Decimal("0")) if due else unpaid[0][1])
        assert unpaid[0][0] + dt.timedelta(days=action.step.offset_days) <= as_of
        if action.step.offset_days < 0:  # a courtesy step: nothing is late yet
            assert all(day >= as_of for day, _amount in unpaid)


@given(plans())
def test_a_plan_paid_in_full_is_never_reminded(plan_and_day):
    item, as_of, _paid = plan_and_day
    assert plan(replace(item, open_amount=Decimal("0")), as_of) == []

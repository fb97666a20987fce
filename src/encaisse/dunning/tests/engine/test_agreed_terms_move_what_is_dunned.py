"""Special terms agreed by sales, as the engine sees them once finance confirmed them: an
instalment plan is dunned instalment by instalment (a longer due date is the item's due
date itself, set by the snapshot). Pure: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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

"""Hypothesis strategies for the engine's inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from encaisse.dunning.engine import Actor, Channel, CustomerSnapshot, OpenItem, StepRule

START = dt.date(2026, 1, 1)
dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("50000"), places=2)
# Mostly owed; one in six paid, credited or a credit note (the engine must leave those out).


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True once in ``n`` draws (integers(0, n - 1) == 0 would be True far more often:
    Hypothesis favours the bounds)."""
    return st.sampled_from([False] * (n - 1) + [True])


open_amounts = one_in(6).flatmap(
    lambda settled: (
        amounts.filter(lambda a: a <= 0)
        if settled
        else st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)
    )
)


@st.composite
def scenarios(draw) -> tuple[StepRule, ...]:
    # As scenarios are written: a first step around the due date (a courtesy reminder up
    # to 15 days before), then one every few days to a few weeks; now and then any days.
    if draw(one_in(5)):
        offsets = sorted(
            draw(st.lists(st.sampled_from(range(-15, 181)), min_size=1, max_size=6, unique=True))
        )
    else:
        offsets = [draw(st.sampled_from(range(-15, 16)))]
        for _ in range(draw(st.sampled_from(range(0, 6)))):
            offsets.append(offsets[-1] + draw(st.sampled_from(range(5, 46))))
    return tuple(
        StepRule(
            key=f"step_{index}",
            offset_days=offset,
            channel=draw(st.sampled_from(list(Channel))),
            actor=draw(st.sampled_from(list(Actor))),
            min_amount=Decimal("100") if draw(one_in(6)) else Decimal("0"),
        )
        for index, offset in enumerate(offsets)
    )


@st.composite
def snapshots(draw, steps=None) -> CustomerSnapshot:
    steps = steps if steps is not None else draw(scenarios())
    keys = [step.key for step in steps]
    count = 0 if draw(one_in(10)) else draw(st.integers(1, 8))
    # A customer's invoices fall within months of each other, as in a real ledger.
    around = draw(dates)
    items = tuple(
        OpenItem(
            invoice_id=index + 1,
            number=f"F{index + 1:04d}",
            due_date=around + dt.timedelta(days=draw(st.integers(-120, 120))),
            open_amount=draw(open_amounts),
            # Steps are done in order, mostly the first ones (most invoices are early in their
            # scenario); any of them now and then.
            done_steps=frozenset(
                keys[: draw(st.sampled_from(range(len(keys) // 2 + 1)))]
                if not draw(one_in(4))
                else draw(st.lists(st.sampled_from(keys), max_size=2))
            ),
            awaiting_outcome=draw(one_in(8)),
            disputed=draw(one_in(12)),
            on_hold=draw(one_in(12)),
            promised_until=draw(dates) if draw(one_in(6)) else None,
        )
        for index in range(count)
    )
    return CustomerSnapshot(
        customer_id=1,
        items=items,
        steps=steps,
        do_not_contact=draw(one_in(20)),
        on_hold=draw(one_in(20)),
    )


@st.composite
def situations(draw, steps=None) -> tuple[CustomerSnapshot, dt.date]:
    """A customer and the day the engine runs. Most days fall after some due date, where
    steps come due (a day drawn anywhere in three years mostly precedes them, and the
    properties would hold vacuously); one in four is any day, for the edges."""
    snapshot = draw(snapshots(steps))
    dues = [item.due_date for item in snapshot.items]
    if not dues or draw(one_in(8)):
        return snapshot, draw(dates)
    return snapshot, max(dues) + dt.timedelta(days=draw(st.sampled_from(range(1, 200))))

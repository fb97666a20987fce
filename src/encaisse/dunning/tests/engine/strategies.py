"""Hypothesis strategies for the engine's inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from encaisse.dunning.engine import Actor, Channel, CustomerSnapshot, OpenItem, StepRule

START = dt.date(2026, 1, 1)
dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("50000"), places=2)


@st.composite
def scenarios(draw) -> tuple[StepRule, ...]:
    offsets = sorted(draw(st.lists(st.integers(-15, 180), min_size=1, max_size=6, unique=True)))
    return tuple(
        StepRule(
            key=f"step_{index}",
            offset_days=offset,
            channel=draw(st.sampled_from(list(Channel))),
            actor=draw(st.sampled_from(list(Actor))),
            min_amount=draw(st.sampled_from([Decimal("0"), Decimal("0"), Decimal("100")])),
        )
        for index, offset in enumerate(offsets)
    )


@st.composite
def snapshots(draw, steps=None) -> CustomerSnapshot:
    steps = steps if steps is not None else draw(scenarios())
    keys = [step.key for step in steps]
    count = draw(st.integers(0, 8))
    items = tuple(
        OpenItem(
            invoice_id=index + 1,
            number=f"F{index + 1:04d}",
            due_date=draw(dates),
            open_amount=draw(amounts),
            done_steps=frozenset(draw(st.lists(st.sampled_from(keys), max_size=2))),
            awaiting_outcome=draw(st.booleans()) and draw(st.booleans()),
            disputed=draw(st.integers(0, 9)) == 0,
            on_hold=draw(st.integers(0, 9)) == 0,
            promised_until=draw(st.none() | dates),
        )
        for index in range(count)
    )
    return CustomerSnapshot(
        customer_id=1,
        items=items,
        steps=steps,
        do_not_contact=draw(st.integers(0, 9)) == 0,
        on_hold=draw(st.integers(0, 14)) == 0,
    )

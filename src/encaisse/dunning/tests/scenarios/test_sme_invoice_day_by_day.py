"""An SME invoice followed day by day through the 'PME et TPE' scenario, as the manual tells it.

Due 1 March: courtesy e-mail on 24 February, first reminder on 8 March, second on
22 March, the rep's call on 31 March; after the call's outcome, an SMS on 8 April and the
formal notice (awaiting finance's approval) on 15 April.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.models import ActionState, DunningAction
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory


def steps_on(day: dt.date) -> list[str]:
    return [line.step for line in execute_dunning_run(as_of=day).actions]


@pytest.fixture
def sme_invoice(shipped_scenarios, entity):
    customer = CustomerFactory(entity=entity, segment="sme", external_id="SME-1")
    return InvoiceFactory(
        customer=customer,
        number="FA-1",
        issue_date=dt.date(2026, 1, 30),
        due_date=dt.date(2026, 3, 1),
        amount=Decimal("2400.00"),
    )


def test_the_scenario_unfolds_one_step_at_a_time(sme_invoice):
    diary = {}
    day = dt.date(2026, 2, 20)
    while day <= dt.date(2026, 4, 30):
        steps = steps_on(day)
        if steps:
            diary[day] = steps
        if steps == ["call"]:  # the rep calls the next day and records the outcome
            DunningAction.objects.filter(step__key="call").update(
                state=ActionState.DONE, outcome="no_answer"
            )
        day += dt.timedelta(days=1)
    assert diary == {
        dt.date(2026, 2, 24): ["courtesy"],
        dt.date(2026, 3, 8): ["reminder_1"],
        dt.date(2026, 3, 22): ["reminder_2"],
        dt.date(2026, 3, 31): ["call"],
        dt.date(2026, 4, 8): ["sms"],
        dt.date(2026, 4, 15): ["formal_notice"],
    }
    notice = DunningAction.objects.get(step__key="formal_notice")
    assert notice.state == ActionState.AWAITING_APPROVAL


def test_without_the_calls_outcome_the_scenario_waits(sme_invoice):
    assert steps_on(dt.date(2026, 3, 31)) == ["call"]
    assert steps_on(dt.date(2026, 4, 20)) == []


def test_a_payment_stops_the_scenario(sme_invoice):
    assert steps_on(dt.date(2026, 3, 8)) == ["reminder_1"]
    sme_invoice.open_amount = Decimal("0")
    sme_invoice.settled_on = dt.date(2026, 3, 10)
    sme_invoice.save()
    assert steps_on(dt.date(2026, 3, 22)) == []

"""A key account: the rep is asked to call; the scenario waits for the call's outcome.

'Grands comptes': courtesy 7 days before, the rep's call 10 days after the due date, an
e-mail reminder at 20 days, the sales manager's escalation at 40.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification, TaskStatus
from encaisse.collaboration.promises import PromiseCheck, check_promises
from encaisse.collaboration.services import record_task_outcome
from encaisse.dunning.models import ActionState, DunningAction
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

DUE = dt.date(2026, 3, 1)


def steps_on(day):
    return [line.step for line in execute_dunning_run(as_of=day).actions]


@pytest.fixture
def key_account(dunning_ready, rep_remi, lyon):
    customer = CustomerFactory(
        entity=dunning_ready,
        segment="key_account",
        sales_rep=rep_remi,
        agency=lyon,
        external_id="KEY-1",
        name="Béton Express",
    )
    InvoiceFactory(
        customer=customer,
        number="FA-K1",
        issue_date=dt.date(2026, 1, 30),
        due_date=DUE,
        amount=Decimal("48000.00"),
    )
    return customer


def test_the_call_step_becomes_a_task_for_the_rep_who_is_notified(key_account, rep_remi):
    assert steps_on(DUE + dt.timedelta(days=10)) == ["call"]
    action = DunningAction.objects.get(step__key="call")
    assert action.task.assignee == rep_remi
    assert action.task.status == TaskStatus.OPEN
    assert [i.number for i in action.task.invoices.all()] == ["FA-K1"]
    assert Notification.objects.filter(recipient=rep_remi).count() == 1
    # Nothing more while the rep has not said how the call went.
    assert steps_on(DUE + dt.timedelta(days=25)) == []


def test_no_answer_lets_the_scenario_go_on(key_account, rep_remi):
    steps_on(DUE + dt.timedelta(days=10))
    task = DunningAction.objects.get(step__key="call").task
    record_task_outcome(task=task, outcome="no_answer", by=rep_remi, on=DUE + dt.timedelta(days=11))
    assert steps_on(DUE + dt.timedelta(days=20)) == ["reminder_1"]
    call = DunningAction.objects.get(step__key="call")
    assert (call.state, call.outcome) == (ActionState.DONE, "no_answer")


def test_a_promise_pauses_the_scenario_until_the_promised_date_and_its_grace_days(
    key_account, rep_remi, settings
):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 3
    steps_on(DUE + dt.timedelta(days=10))
    task = DunningAction.objects.get(step__key="call").task
    record_task_outcome(
        task=task,
        outcome="promise",
        by=rep_remi,
        on=DUE + dt.timedelta(days=11),
        promised_for=DUE + dt.timedelta(days=30),
    )
    assert steps_on(DUE + dt.timedelta(days=20)) == []
    assert steps_on(DUE + dt.timedelta(days=30)) == []
    assert steps_on(DUE + dt.timedelta(days=33)) == []  # three days' grace
    # The next morning the daily check finds nothing paid: broken; the run reminds.
    assert check_promises(as_of=DUE + dt.timedelta(days=34)) == PromiseCheck(kept=0, broken=1)
    assert steps_on(DUE + dt.timedelta(days=34)) == ["reminder_1"]


def test_a_dispute_stops_the_scenario(key_account, rep_remi):
    steps_on(DUE + dt.timedelta(days=10))
    task = DunningAction.objects.get(step__key="call").task
    record_task_outcome(
        task=task,
        outcome="dispute",
        by=rep_remi,
        on=DUE + dt.timedelta(days=11),
        dispute_reason="quantity",
    )
    assert steps_on(DUE + dt.timedelta(days=60)) == []


def test_a_step_for_the_sales_manager_goes_to_the_reps_manager(key_account, rep_remi, manager_maud):
    steps_on(DUE + dt.timedelta(days=10))
    task = DunningAction.objects.get(step__key="call").task
    record_task_outcome(task=task, outcome="reached", by=rep_remi, on=DUE + dt.timedelta(days=11))
    assert steps_on(DUE + dt.timedelta(days=40)) == ["escalation"]
    assert DunningAction.objects.get(step__key="escalation").task.assignee == manager_maud


def test_a_customer_without_a_rep_gives_the_call_to_finance(dunning_ready, entity):
    customer = CustomerFactory(entity=dunning_ready, segment="key_account", external_id="K2")
    InvoiceFactory(
        customer=customer,
        number="FA-K2",
        issue_date=dt.date(2026, 1, 30),
        due_date=DUE,
        amount=Decimal("1000.00"),
    )
    steps_on(DUE + dt.timedelta(days=10))
    assert DunningAction.objects.get(step__key="call").task.assignee is None

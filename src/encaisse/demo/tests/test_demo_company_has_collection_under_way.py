"""The demo opens on a team already collecting: scenarios, disputes, promises, today's run."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from encaisse.banking.models import BankLine, LineStatus
from encaisse.collaboration.models import Dispute, PromiseToPay, Task
from encaisse.dunning.models import DunningAction, DunningRun, Scenario
from encaisse.dunning.services.runs import execute_dunning_run


def test_the_demo_has_scenarios_disputes_promises_and_todays_run(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--customers", "120", stdout=out)

    assert Scenario.objects.count() == 3
    assert Dispute.objects.exists()
    assert PromiseToPay.objects.exists()
    run = DunningRun.objects.get()
    assert DunningAction.objects.filter(run=run).exists()
    assert Task.objects.filter(assignee__role="sales_rep").exists(), "reps have calls to make"
    assert "dunning scenarios" in out.getvalue()
    assert BankLine.objects.filter(status=LineStatus.MATCHED).exists()
    assert BankLine.objects.filter(status=LineStatus.TO_RECONCILE).exists(), "a queue to try"
    assert "bank statement of yesterday" in out.getvalue()


def test_todays_run_done_by_the_demo_plans_nothing_again(db):
    call_command("demo", "--no-serve", "--customers", "60", stdout=StringIO())
    today = DunningRun.objects.get().as_of

    again = execute_dunning_run(as_of=today)

    assert again.actions == []
    assert isinstance(today, dt.date)

"""Two dunning runs started at the same time plan each action exactly once.

On PostgreSQL the runs overlap and meet on row locks and unique keys; on SQLite every
writer is serialised, and the second run finds the first one's actions.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from encaisse.dunning.models import ActionItem, DunningAction
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runs_at_once_plan_each_action_once(shipped_scenarios, entity, worker_env):
    for index in range(300):
        customer = CustomerFactory(entity=entity, segment="sme", external_id=f"C{index}")
        InvoiceFactory(
            customer=customer,
            number=f"FA-{index}",
            issue_date=dt.date(2026, 1, 1),
            due_date=dt.date(2026, 3, 1),
            amount=Decimal("500.00"),
        )
    command = [
        sys.executable,
        "-c",
        "from encaisse.cli import main; main()",
        "dunning",
        "run",
        "--as-of",
        "2026-03-10",
        "--format",
        "json",
    ]
    runs = [
        subprocess.Popen(
            command, env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _out, err in outputs]
    planned = [action["customer"] for out, _err in outputs for action in json.loads(out)["actions"]]
    assert sorted(planned) == sorted(f"C{index}" for index in range(300))
    assert DunningAction.objects.count() == 300
    assert ActionItem.objects.count() == 300

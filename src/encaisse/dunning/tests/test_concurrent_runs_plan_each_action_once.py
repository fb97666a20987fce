"""Two dunning runs started at the same time on PostgreSQL plan each action exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection

from encaisse.dunning.models import ActionItem, DunningAction
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_two_runs_at_once_plan_each_action_once(shipped_scenarios, entity, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (SQLite serialises every writer)")
    for index in range(300):
        customer = CustomerFactory(entity=entity, segment="sme", external_id=f"C{index}")
        InvoiceFactory(customer=customer, number=f"FA-{index}", issue_date=dt.date(2026, 1, 1),
                       due_date=dt.date(2026, 3, 1), amount=Decimal("500.00"))  # fmt: skip
    env = {**os.environ, "DATABASE_URL": _database_url(), "ENCAISSE_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-c", "from encaisse.cli import main; main()", "dunning", "run",
               "--as-of", "2026-03-10", "--format", "json"]  # fmt: skip
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _out, err in outputs]
    planned = [action["customer"] for out, _err in outputs for action in json.loads(out)["actions"]]
    assert sorted(planned) == sorted(f"C{index}" for index in range(300))
    assert DunningAction.objects.count() == 300
    assert ActionItem.objects.count() == 300

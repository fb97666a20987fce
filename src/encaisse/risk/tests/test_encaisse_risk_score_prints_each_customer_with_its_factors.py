"""`encaisse risk score [--customer EXTERNAL_ID] [--format table|json]` scores again and
prints each customer's score with its factors; a customer that does not exist is a one-line
error with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from encaisse.ledger.tests.factories import CustomerFactory
from encaisse.risk.models_score import RiskScore
from encaisse.risk.tests.score_ledger import AS_OF, days, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_payer(entity):
    customer = CustomerFactory(entity=entity, external_id="C042", credit_limit=Decimal(1000))
    invoice(customer, due=AS_OF - days(90), amount="2000.00")
    return customer


def run(*args: str) -> str:
    out = StringIO()
    call_command("risk", "score", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_json_lists_each_customer_its_score_factors_and_block(late_payer, entity):
    CustomerFactory(entity=entity, external_id="C001")

    rows = json.loads(run("--format", "json"))

    by_id = {row["customer"]: row for row in rows}
    assert set(by_id) == {"C001", "C042"}
    assert by_id["C001"]["score"] == 0
    late = by_id["C042"]
    assert late["score"] == 40  # 15 + 5 + 5 days past due, 15 over the limit
    assert late["blocked"] is False
    factor = next(item for item in late["factors"] if item["name"] == "exposure_vs_limit")
    assert factor == {"name": "exposure_vs_limit", "value": 200.0, "points": 15}
    assert RiskScore.objects.get(customer=late_payer).score == 40  # saved


def test_one_customer_as_a_table(late_payer, entity):
    CustomerFactory(entity=entity, external_id="C001")

    lines = run("--customer", "C042").splitlines()

    assert lines[0].split()[:3] == ["customer", "score", "blocked"]
    assert lines[1].split()[:3] == ["C042", "40", "no"]
    assert "exposure_vs_limit 200.0: 15" in lines[1]
    assert len(lines) == 2


def test_an_unknown_customer_is_refused_with_exit_status_two(late_payer):
    with pytest.raises(
        CommandError, match="--customer: no customer has the external id 'NOPE'"
    ) as error:
        run("--customer", "NOPE")
    assert error.value.returncode == 2
    assert not RiskScore.objects.exists()


def test_the_command_line_says_what_is_wrong_in_one_line(worker_env):
    done = subprocess.run(  # this very program
        [sys.executable, "-c", "from encaisse.cli import main; main()", "risk", "score",
         "--format", "xml"],
        env=worker_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "encaisse risk: error: argument --format: invalid choice: 'xml' (choose from "
        "'csv', 'json', 'table') (see --help)"
    ]


def test_csv_is_for_the_blocked_list_only(worker_env):
    done = subprocess.run(  # this very program
        [sys.executable, "-c", "from encaisse.cli import main; main()", "risk", "score",
         "--format", "csv"],
        env=worker_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--format: csv is for `blocked`" in done.stderr


def test_a_blocked_customer_says_so(late_payer, finance_fanny):
    from encaisse.risk.blocking import block_customer

    block_customer(customer=late_payer, reason="unpaid for 90 days", by=finance_fanny)
    (row,) = json.loads(run("--customer", "C042", "--format", "json"))
    assert row["blocked"] is True

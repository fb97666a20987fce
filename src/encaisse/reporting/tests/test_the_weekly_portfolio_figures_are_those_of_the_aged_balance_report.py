"""The weekly e-mail's figures are `encaisse report aged-balance --user U`'s: the digest
command and the report command, called side by side, say the same amounts."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from encaisse.reporting.tests.conftest import MONDAY


def command_json(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", "--as-of", MONDAY.isoformat(), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("username", ["remi", "maud", "anna", "paul"])
def test_the_digest_says_what_the_aged_balance_report_says(
    week_of_remi, manager_maud, agency_manager_anna, username
):
    report = command_json("report", "aged-balance", "--user", username, "--by", "total")
    (digest,) = command_json("digest", "send", "--dry-run", "--user", username)["digests"]

    assert digest["aged_balance"] == report["totals"]
    assert digest["outstanding"] == {row["currency"]: row["total"] for row in report["totals"]}
    overdue = {
        row["currency"]: sum(
            (Decimal(row[key]) for key in ("1_30", "31_60", "61_90", "91_120", "over_120")),
            Decimal(0),
        )
        for row in report["totals"]
    }
    assert {currency: Decimal(amount) for currency, amount in digest["overdue"].items()} == overdue


def test_remis_figures_count_his_invoices_and_his_payment(week_of_remi):
    (digest,) = command_json("digest", "send", "--dry-run", "--user", "remi")["digests"]
    # 2 x 1000 (January) + 2500 not due + 1234.56 ten days late - 100 unallocated
    assert digest["outstanding"] == {"EUR": "5634.56"}
    assert digest["overdue"] == {"EUR": "3234.56"}
    (total,) = digest["aged_balance"]
    assert total["not_due"] == "2500.00"
    assert total["1_30"] == "1234.56"
    assert total["over_120"] == "2000.00"
    assert total["unallocated"] == "100.00"

"""`encaisse report aged-balance`: the page's numbers, in table, JSON, CSV and XLSX."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory


def run(*args):
    out = io.StringIO()
    call_command("report", "aged-balance", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ledger(portfolios):
    customer = portfolios["remi1"]
    InvoiceFactory(
        customer=customer,
        issue_date=dt.date(2026, 3, 1),
        due_date=dt.date(2026, 3, 31),
        amount=Decimal("1234.56"),
    )
    PaymentFactory(customer=customer, date=dt.date(2026, 4, 1), amount=Decimal("34.56"))
    return portfolios


def test_json_has_the_bucket_keys_and_amounts_as_strings(ledger):
    data = json.loads(run("--as-of", "2026-04-15", "--by", "total", "--format", "json"))
    assert data["as_of"] == "2026-04-15"
    (total,) = data["totals"]
    assert set(total) >= {
        "not_due",
        "1_30",
        "31_60",
        "61_90",
        "91_120",
        "over_120",
        "unallocated",
        "total",
    }
    # Six invoices of 1000.00 due 2026-01-31 (74 days), one of 1234.56 due 2026-03-31 (15 days).
    assert total["61_90"] == "6000.00"
    assert total["1_30"] == "1234.56"
    assert total["unallocated"] == "34.56"
    assert total["total"] == "7200.00"


def test_as_of_before_everything_gives_nothing(ledger):
    data = json.loads(run("--as-of", "2025-01-01", "--format", "json"))
    assert data["rows"] == []
    assert data["totals"] == []


def test_by_rep_rows_add_up_to_the_total(ledger):
    data = json.loads(run("--as-of", "2026-04-15", "--by", "rep", "--format", "json"))
    assert {row["key"]: row["total"] for row in data["rows"]} == {
        "remi": "3200.00",
        "sarah": "2000.00",
        "paul": "2000.00",
    }
    assert sum(Decimal(row["total"]) for row in data["rows"]) == Decimal(data["totals"][0]["total"])


def test_csv_has_a_header_and_a_total_line(ledger):
    rows = list(
        csv.DictReader(
            io.StringIO(run("--as-of", "2026-04-15", "--format", "csv", "--by", "agency"))
        )
    )
    assert [row["label"] for row in rows] == ["Agence Lyon", "Agence Marseille", "Total"]
    assert rows[-1]["total"] == "7200.00"


def test_table_is_readable(ledger):
    text = run("--as-of", "2026-04-15", "--by", "segment")
    assert "Aged balance as of 2026-04-15 by segment" in text
    assert "7200.00" in text


def test_xlsx_is_written_to_a_file(ledger, tmp_path):
    target = tmp_path / "aged.xlsx"
    call_command(
        "report",
        "aged-balance",
        "--as-of",
        "2026-04-15",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    sheet = load_workbook(target).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["key", "label", "currency"]
    assert values[1][-2:] == ["total", "blocked"]
    assert values[-1][-2:] == [7200, None]  # the total row: no customer, nothing blocked


def test_user_option_limits_the_report_to_that_portfolio(ledger):
    data = json.loads(
        run("--as-of", "2026-04-15", "--format", "json", "--by", "customer", "--user", "paul")
    )
    assert {row["key"] for row in data["rows"]} == {"PAUL-1", "PAUL-2"}


def test_the_page_export_and_the_command_print_the_same_numbers(ledger, client, finance_fanny):
    client.force_login(finance_fanny)
    for by in ("total", "customer", "rep", "agency", "segment"):
        page = client.get(f"/reports/aged-balance/?as_of=2026-04-15&by={by}&export=json")
        command = run("--as-of", "2026-04-15", "--by", by, "--format", "json")
        assert json.loads(page.content) == json.loads(command)

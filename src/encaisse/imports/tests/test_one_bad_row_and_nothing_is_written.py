"""All or nothing by default; with partial, the good rows go in and the bad ones go to a
CSV next to the file, with the reason, ready to be fixed and imported again."""

from __future__ import annotations

import csv
from decimal import Decimal

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Customer, Invoice

BAD_INVOICES = (
    "N° facture;Code client;Date facture;Échéance;Montant TTC\n"
    "F-1;REMI-1;15/01/2026;14/02/2026;100,00\n"
    "F-2;INCONNU;15/01/2026;14/02/2026;100,00\n"
    "F-3;REMI-1;31/02/2026;14/02/2026;douze\n"
    "F-1;REMI-2;16/01/2026;15/02/2026;50,00\n"
    "F-4;REMI-1;15/03/2026;14/02/2026;10,00\n"
    "F-remi-1;REMI-1;01/01/2026;31/01/2026;=1+1\n"
)


def test_one_bad_row_and_nothing_is_written_and_each_problem_is_listed(portfolios, write_file):
    before = list(Invoice.objects.order_by("pk").values())
    result = run("invoices", write_file("factures.csv", BAD_INVOICES))
    assert result.status == ImportStatus.FAILED
    assert [str(problem) for problem in result.problems] == [
        "row 3, column Code client: value 'INCONNU': unknown customer (import the customers first)",
        "row 4, column Date facture: value '31/02/2026': not a valid date (no such day or month)",
        "row 4, column Montant TTC: value 'douze': not an amount",
        "row 5, column N° facture: value 'F-1': the same number is on row 2",
        "row 6, column Échéance: value '14/02/2026': due date before the issue date 15/03/2026",
        "row 7, column Montant TTC: value '=1+1': not an amount",
    ]
    assert result.message == (
        "nothing was imported: 6 problems in 5 of 6 rows "
        "(fix them, or import with --partial to import the good rows)"
    )
    assert list(Invoice.objects.order_by("pk").values()) == before
    record = ImportRun.objects.get(pk=result.run_id)
    assert (record.status, record.rows_rejected, record.problem_count) == ("failed", 5, 6)
    assert record.problems[0] == {  # the reason kept as plain data, translated when read
        "row": 3,
        "column": "Code client",
        "value": "INCONNU",
        "reason": {"msgid": "unknown customer (import the customers first)"},
    }


def test_an_existing_record_is_untouched_by_a_failed_import(portfolios, write_file):
    data = (
        "number;customer_external_id;issue_date;due_date;amount\n"
        "F-remi-1;REMI-1;2026-01-01;2026-01-31;5\n"
        "F-X;NOBODY;2026-01-01;2026-01-31;5\n"
    )
    result = run("invoices", write_file("f.csv", data))
    assert not result.ok
    assert Invoice.objects.get(number="F-remi-1").amount == Decimal("1000.00")


def test_partial_imports_the_good_rows_and_writes_the_rejects_next_to_the_file(
    portfolios, write_file, tmp_path
):
    path = write_file("factures.csv", BAD_INVOICES, "cp1252")
    result = run("invoices", path, partial=True)
    assert result.status == ImportStatus.PARTIAL
    assert (result.created, result.rejected) == (1, 5)
    assert Invoice.objects.filter(number="F-1").exists()
    assert not Invoice.objects.filter(number__in=["F-2", "F-3", "F-4"]).exists()
    rejects = tmp_path / "factures.rejects.csv"
    assert result.rejects_file == str(rejects)
    with rejects.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == [
        "N° facture",
        "Code client",
        "Date facture",
        "Échéance",
        "Montant TTC",
        "row",
        "reason",
    ]
    assert rows[1] == [
        "F-2",
        "INCONNU",
        "15/01/2026",
        "14/02/2026",
        "100,00",
        "3",
        "Code client: unknown customer (import the customers first)",
    ]
    assert (
        rows[2][-1]
        == "Date facture: not a valid date (no such day or month); Montant TTC: not an amount"
    )
    assert rows[5][4] == "'=1+1"  # the rejects file never carries a live formula
    assert len(rows) == 6


def test_a_corrected_rejects_file_imports_again(portfolios, write_file, tmp_path):
    data = (
        "number;customer_external_id;issue_date;due_date;amount\n"
        "F-1;REMI-1;2026-01-01;2026-01-31;-5,50\n"
        "F-2;REMI-1;2026-01-01;2025-01-31;-7,25\n"
    )
    run("invoices", write_file("f.csv", data), partial=True)
    rejects = (tmp_path / "f.rejects.csv").read_text(encoding="utf-8-sig")
    assert "-7,25" in rejects  # a negative amount is a number, not a formula
    fixed = write_file("fixed.csv", rejects.replace("2025-01-31", "2026-01-31"))
    result = run("invoices", fixed)
    assert result.created == 1, result.problems
    assert Invoice.objects.get(number="F-2").amount == Decimal("-7.25")


def test_the_rejects_file_can_be_put_elsewhere(portfolios, write_file, tmp_path):
    elsewhere = tmp_path / "out" / "rejets.csv"
    elsewhere.parent.mkdir()
    result = run(
        "invoices", write_file("f.csv", BAD_INVOICES), partial=True, rejects_path=elsewhere
    )
    assert result.rejects_file == str(elsewhere)
    assert elsewhere.exists()


def test_a_bad_customer_file_creates_no_customer(entity, write_file):
    data = "Code client;Raison sociale;SIREN\nC-1;Béton;732829320\nC-2;Gravier;123\n"
    result = run("customers", write_file("c.csv", data))
    assert [str(p) for p in result.problems] == [
        "row 3, column SIREN: value '123': not a valid SIREN"
    ]
    assert not Customer.objects.exists()

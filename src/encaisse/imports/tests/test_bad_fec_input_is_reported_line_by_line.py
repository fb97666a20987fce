"""A bad FEC: a file that is not one gets one clear line; bad lines are listed as
"row N, column X: value 'V': reason" and nothing is written (or, with --partial, the good
lines are and the bad ones are set aside)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.imports.fec.service import import_fec
from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.fec_samples import HEADER, PENNYLANE_FEC, SAGE_LINES, sage_fec_bytes
from encaisse.ledger.models import Allocation, Customer, Invoice, Payment


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a FEC file: the file is empty (0 bytes)"),
        (b"\r\n\r\n", "not a FEC file: the file is empty"),
        (b"%PDF-1.7\n...", "not a FEC file: this is a PDF"),
        (b"PK\x03\x04\x14\x00", "not a FEC file: this is a ZIP archive or an Excel workbook"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "not a FEC file: this is a binary file"),
        (
            "N° facture;Code client;Montant\n1;2;3\n".encode(),
            "not a FEC file: the first line is not a FEC header of 18 columns separated by "
            "tabs or | (it reads 'N° facture;Code client;Montant')",
        ),
        (
            ("\t".join(h for h in HEADER if h != "CompAuxNum") + "\n").encode(),
            "not a FEC file: the header has 17 columns and lacks CompAuxNum (a FEC has 18: "
            "JournalCode, JournalLib,",
        ),
        (("\t".join(HEADER) + "\n").encode(), "the FEC has a header but no lines"),
    ],
)
def test_a_file_that_is_not_a_fec_gets_one_clear_line(entity, write_file, content, message):
    result = import_fec(path=write_file("fec.txt", content))
    assert result.status == ImportStatus.FAILED
    assert result.message.startswith(message)
    assert not Customer.objects.exists()


def test_a_fec_without_customer_lines_says_there_is_nothing_to_import(entity, write_file):
    supplier_only = [line for line in SAGE_LINES if line[0] == "HA"]
    result = import_fec(path=write_file("fec.txt", sage_fec_bytes(supplier_only)))
    assert result.message == (
        "no line on a customer account (2 lines read, none on an account starting with 411): "
        "nothing to import"
    )


def bad_pennylane() -> str:
    return PENNYLANE_FEC.replace("03/02/2026|41100000", "31/02/2026|41100000", 1).replace(
        "960.00|0.00", "96O.00|0.00", 1
    )


def test_one_bad_line_and_nothing_is_written(entity, write_file):
    result = import_fec(path=write_file("fec.txt", bad_pennylane()))
    assert result.status == ImportStatus.FAILED
    assert [str(problem) for problem in result.problems] == [
        "row 2, column EcritureDate: value '31/02/2026': not a valid date (no such day or month)",
        "row 5, column Debit: value '96O.00': not an amount",
    ]
    assert result.message == (
        "nothing was imported: 2 problems in 2 of 8 lines (fix them, or import with --partial "
        "to import the good lines)"
    )
    assert not Customer.objects.exists()
    assert not Invoice.objects.exists()
    assert not Payment.objects.exists()


def test_a_foreign_amount_in_a_currency_that_is_no_iso_code_is_refused(entity, write_file):
    text = PENNYLANE_FEC.replace(
        "Durand Père et Fils - F-2026-0102|960.00|0.00|||10/02/2026||",
        "Durand Père et Fils - F-2026-0102|960.00|0.00|||10/02/2026|1100.00|DOLLARS",
        1,
    )
    result = import_fec(path=write_file("fec.txt", text))
    assert [str(p) for p in result.problems] == [
        "row 5, column Idevise: value 'DOLLARS': not an ISO 4217 currency code (such as EUR, "
        "USD, GBP, CHF)"
    ]
    assert not Invoice.objects.exists()
    usd = text.replace("|1100.00|DOLLARS", "|1100.00|usd")
    assert import_fec(path=write_file("fec.txt", usd)).ok
    assert Invoice.objects.get(number="F-2026-0102").currency == "USD"


@pytest.mark.parametrize(
    ("piece", "reason"),
    [
        ("", "empty, and no EcritureNum to number the document by"),
        ("-", "not a document number, and no EcritureNum to number the document by"),
    ],
)
def test_an_invoice_line_without_a_number_or_an_entry_number_names_the_column(
    entity, write_file, piece, reason
):
    text = PENNYLANE_FEC.replace(
        "VE|Ventes|VE-2026-0002|10/02/2026|411DUR|Durand Père et Fils|||F-2026-0102|",
        f"VE|Ventes||10/02/2026|411DUR|Durand Père et Fils|||{piece}|",
        1,
    )
    result = import_fec(path=write_file("fec.txt", text))
    assert [str(p) for p in result.problems] == [
        f"row 5, column PieceRef: value '{piece}': {reason}"
    ]
    assert not Invoice.objects.exists()


def test_partial_imports_the_good_lines_and_sets_the_bad_ones_aside(entity, write_file, tmp_path):
    path = write_file("fec.txt", bad_pennylane())
    result = import_fec(path=path, partial=True)
    assert result.status == ImportStatus.PARTIAL
    assert result.rejected == 2
    assert list(Payment.objects.values_list("reference", flat=True)) == ["BQ-2026-0007"]
    assert not Allocation.objects.exists()  # its invoice was rejected
    rejects = (tmp_path / "fec.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0].endswith("|Idevise|row|reason")
    assert rejects[1].startswith("VE|Ventes|VE-2026-0001|31/02/2026|41100000|")
    assert rejects[1].endswith("|2|EcritureDate: not a valid date (no such day or month)")


def test_the_command_lists_the_problems_and_exits_with_status_2(entity, write_file):
    err = StringIO()
    path = write_file("fec.txt", bad_pennylane())
    with pytest.raises(CommandError) as failure:
        call_command("import", "fec", str(path), stderr=err)
    assert failure.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "row 2, column EcritureDate: value '31/02/2026': not a valid date (no such day or month)",
        "row 5, column Debit: value '96O.00': not an amount",
    ]
    assert str(failure.value).startswith("fec.txt: nothing was imported: 2 problems in 2 of 8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--map", "number=PieceRef"), "--mapping/--map: not for fec files"),
        (("--payment-terms-days", "400"), "--payment-terms-days: 400 is not between 0 and 365"),
        (("--rejects", "r.csv"), "--rejects: only with --partial"),
    ],
)
def test_bad_options_are_one_line_errors(entity, write_file, args, message):
    path = write_file("fec.txt", PENNYLANE_FEC)
    with pytest.raises(CommandError) as failure:
        call_command("import", "fec", str(path), *args, stdout=StringIO(), stderr=StringIO())
    assert message in str(failure.value)

"""The law's other form of the FEC amounts, Montant and Sens (D or C, or +1 and -1) instead of
Debit and Credit, gives the same ledger; a Sens that is neither names its row and column,
and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.imports.fec.service import import_fec
from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.fec_samples import PENNYLANE_FEC, by_sense, sage_fec_bytes
from encaisse.ledger.models import Allocation, Customer, Invoice, Payment


def test_a_sage_fec_with_montant_and_sens_gives_the_ledger_debit_and_credit_give(
    entity, write_file
):
    text = by_sense(sage_fec_bytes().decode("cp1252"))
    assert text.splitlines()[0].split("\t")[11:13] == ["Montant", "Sens"]
    result = import_fec(path=write_file("fec.txt", text.encode("cp1252")))
    assert result.ok, [str(p) for p in result.problems]
    assert result.file_format["amounts"] == "Montant and Sens"
    assert dict(Invoice.objects.values_list("number", "amount")) == {
        "FA2026-001": Decimal("1200.00"),
        "FA2026-002": Decimal("2400.00"),
        "FA2026-003": Decimal("600.00"),
        "AV2026-001": Decimal("-120.00"),
    }
    assert Payment.objects.count() == 3
    allocations = Allocation.objects.count()
    # The same file with Debit and Credit: everything is already there, as it is.
    same = import_fec(path=write_file("fec-debit-credit.txt", sage_fec_bytes()))
    assert (same.created, same.updated, same.unchanged) == (0, 0, 9)
    assert Allocation.objects.count() == allocations


def test_sens_written_plus_one_and_minus_one_reads_the_same(entity, write_file):
    text = by_sense(PENNYLANE_FEC, debit="+1", credit="-1")
    result = import_fec(path=write_file("fec.txt", text))
    assert result.ok, [str(p) for p in result.problems]
    assert Invoice.objects.get(number="F-2026-0102").amount == Decimal("960.00")
    assert Payment.objects.get().amount == Decimal("3600.00")
    same = import_fec(path=write_file("pennylane.txt", PENNYLANE_FEC))
    assert (same.created, same.updated) == (0, 0)


@pytest.mark.parametrize(
    ("sense", "reason"),
    [("X", "D or C expected (or +1 or -1)"), ("", "empty (required: D or C)")],
)
def test_a_sens_that_says_neither_debit_nor_credit_names_its_row_and_nothing_is_written(
    entity, write_file, sense, reason
):
    text = by_sense(PENNYLANE_FEC).replace("|960,00|D|", f"|960,00|{sense}|", 1)
    result = import_fec(path=write_file("fec.txt", text))
    assert result.status == ImportStatus.FAILED
    assert [str(p) for p in result.problems] == [f"row 5, column Sens: value '{sense}': {reason}"]
    assert not Customer.objects.exists()
    assert not Invoice.objects.exists()

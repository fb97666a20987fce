"""The ERP's payments file imported after the bank statement that brought the same money:
the row is linked to the bank's payment (it takes the ERP's reference), never counted twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.banking.models import BankLine
from encaisse.banking.tests.conftest import entry, import_bank
from encaisse.imports.services import import_file
from encaisse.ledger.models import Invoice, Payment

ERP = (
    "reference;customer_external_id;invoice_number;date;amount\n"
    "REG-77;C002;FA-2026-0110;{day};4500,00\n"
)


@pytest.fixture
def write_file(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_the_erp_row_takes_over_the_bank_payment(ledger, camt, write_file):
    import_bank(camt(entry("4500.00", name="BOULANGERIES DU LYONNAIS", text="FA-2026-0110")))
    bank_payment = BankLine.objects.get().payment
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == 0
    path = write_file("reglements.csv", ERP.format(day="2026-03-04"))
    result = import_file(kind="payments", path=path)
    assert result.ok, result.problems
    assert Payment.objects.count() == 1
    bank_payment.refresh_from_db()
    assert bank_payment.reference == "REG-77"
    assert bank_payment.amount == Decimal("4500.00")
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == 0
    assert any("linked, not counted twice" in note for note in result.notes)
    again = import_file(kind="payments", path=path)
    assert (again.created, again.updated) == (0, 0)
    assert Payment.objects.count() == 1


def test_a_payment_far_from_the_bank_date_is_another_payment(ledger, camt, write_file):
    import_bank(camt(entry("4500.00", name="BOULANGERIES DU LYONNAIS", text="FA-2026-0110")))
    result = import_file(kind="payments", path=write_file("r.csv", ERP.format(day="2026-04-20")))
    assert result.ok, result.problems
    assert Payment.objects.count() == 2

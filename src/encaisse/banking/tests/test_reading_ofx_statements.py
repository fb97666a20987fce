"""An OFX 1.02 (SGML, Windows-1252) from Crédit Agricole, as French banks export it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankLine, LineStatus, MatchMethod
from encaisse.banking.parsers import read_statement_file
from encaisse.banking.tests.conftest import OFX, import_bank


def test_ofx_lines_are_read_with_accents_decimal_commas_and_an_empty_memo():
    parsed = read_statement_file(OFX.read_bytes())
    assert parsed.format == "OFX 102"
    [statement] = parsed.statements
    # The RIB of the OFX (bank, branch, account) gives the account's IBAN.
    assert statement.iban == "FR7617515900000800012345636"
    boulangeries, garage, card = statement.lines
    assert boulangeries.amount == Decimal("4500.00")
    assert boulangeries.counterparty_name == "BOULANGERIES DU LYONNAIS"
    assert boulangeries.remittance_info == "Règlement solde FA-2026-0110"
    assert boulangeries.bank_reference == "0NK5P1F7UZ"
    assert (garage.counterparty_name, garage.remittance_info) == ("GARAGE DES QUAIS", "")
    assert (card.amount, card.value_date) == (Decimal("-62.90"), dt.date(2026, 3, 6))


def test_ofx_import_matches_by_number_and_queues_the_ambiguous_one(ledger):
    result = import_bank(OFX)
    assert result.ok, result.message
    assert result.created == 3
    boulangeries = BankLine.objects.get(bank_reference="0NK5P1F7UZ")
    assert boulangeries.match_method == MatchMethod.INVOICE_NUMBERS
    garage = BankLine.objects.get(bank_reference="0NK5P1F7V0")
    # Found by name, but two of its invoices are open for 960.00: finance decides.
    assert garage.status == LineStatus.TO_RECONCILE
    assert garage.payment.customer == ledger["C003"]
    assert garage.payment.unallocated_amount == Decimal("960.00")


def test_an_ofx_time_zone_keeps_the_date_the_bank_printed(tmp_path):
    data = OFX.read_bytes().replace(
        b"<DTPOSTED>20260307\r\n<DTUSER>20260307\r\n<TRNAMT>4500",
        b"<DTPOSTED>20260307000000.000[+1:CET]\r\n<DTUSER>20260307\r\n<TRNAMT>4500",
    )
    parsed = read_statement_file(data)
    assert parsed.statements[0].lines[0].booking_date == dt.date(2026, 3, 7)


def test_a_bad_ofx_amount_names_its_entry(ledger, tmp_path):
    path = tmp_path / "bad.ofx"
    path.write_bytes(OFX.read_bytes().replace(b"<TRNAMT>960,00", b"<TRNAMT>96O,00"))
    result = import_bank(path)
    assert not result.ok
    [problem] = result.problems
    assert problem.row == 2
    assert "Invalid Transaction Amount" in problem.reason
    assert result.message.startswith("nothing was imported: 1 problem in 1 of 3 entries")
    assert not BankLine.objects.exists()

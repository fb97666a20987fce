"""An MT940 from Société Générale: structured French wording, a number cut by the line wrap."""

from __future__ import annotations

from decimal import Decimal

from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.banking.parsers import read_statement_file
from encaisse.banking.tests.conftest import BELLEVILLE_IBAN, MT940, import_bank


def test_mt940_lines_are_read_with_the_french_wording():
    parsed = read_statement_file(MT940.read_bytes())
    assert parsed.format == "MT940"
    [statement] = parsed.statements
    assert statement.account == "FR7630003012340002012345670"
    assert statement.identifier == "SG260306000123 00065"
    arnaud, belleville, fees = statement.lines
    assert (arnaud.amount, arnaud.counterparty_name) == (Decimal("780.00"), "MENUISERIE ARNAUD")
    assert arnaud.bank_reference == "SG0603260004411"
    assert arnaud.end_to_end_id == "2026-ARN-0042"
    assert belleville.counterparty_iban == BELLEVILLE_IBAN
    assert belleville.end_to_end_id == ""
    assert fees.amount == Decimal("-86.40")


def test_mt940_import_matches_a_number_cut_by_the_wrap_and_a_known_iban(ledger):
    CustomerIban.objects.create(customer=ledger["C001"], iban=BELLEVILLE_IBAN)
    result = import_bank(MT940)
    assert result.ok, result.message
    assert (result.created, result.file_format["format"]) == (3, "MT940")
    arnaud = BankLine.objects.get(bank_reference="SG0603260004411")
    assert arnaud.match_method == MatchMethod.INVOICE_NUMBERS
    assert arnaud.payment.allocations.get().invoice.number == "FA-2026-0130"
    belleville = BankLine.objects.get(bank_reference="SG0603260004412")
    assert belleville.match_method == MatchMethod.IBAN_AMOUNT
    assert belleville.payment.allocations.get().invoice.number == "FA-2026-0101"
    fees = BankLine.objects.get(amount__lt=0)
    assert (fees.status, fees.payment) == (LineStatus.IGNORED, None)


def test_a_bad_amount_in_a_61_line_is_reported_not_read_wrong(ledger, tmp_path):
    path = tmp_path / "bad.sta"
    path.write_bytes(MT940.read_bytes().replace(b"C1200,00NTRF", b"C12O0,00NTRF"))
    result = import_bank(path)
    assert not result.ok
    assert [str(problem) for problem in result.problems] == [
        "row 2, column :61:: value '2603060306C12O0,00NTRFNONREF//SG0603260004412': not a "
        "statement line (date YYMMDD, optional entry date MMDD, C, D, RC or RD, amount such "
        "as 1200,00, transaction type such as NTRF)"
    ]
    assert not BankLine.objects.exists()

"""MT940 as banks really write it is read: reversals (RC, RD) with the sign of what they do,
funds codes, transaction types outside the SWIFT list, 30 February, an amount without its
comma, long references, free-form :86: on several lines. What is unusual is said in a note;
a line that cannot be read at all names its entry, and a tag the library cannot read refuses
the file in one line.

The statements are ours (samples/): ``mt940_reversals_and_funds_codes.sta``, an LCL day with a
cheque returned unpaid (RC) and a fee given back (RD) beside CR and DR lines;
``mt940_odd_but_readable.sta``, a CIC statement over the end of February with every oddity
above once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.banking.models import BankLine, BankStatement
from encaisse.banking.parsers import StatementLine, read_statement_file
from encaisse.banking.tests.conftest import MT940, SAMPLES, import_bank

REVERSALS = SAMPLES / "mt940_reversals_and_funds_codes.sta"
ODD = SAMPLES / "mt940_odd_but_readable.sta"
REVERSALS_NOTE = (
    "reversals (RC: a credit taken back, money out; RD: a debit given back, money in) read "
    "with that sign and marked as reversals: entries 3, 5"
)
ODD_NOTES = [
    "transaction type outside the SWIFT codes (N, F or S and three characters) read as "
    "written: entries 4, 5 ('MCI0', 'S')",
    "amount without a decimal comma read as whole units: entry 2 ('500')",
    "a day past the end of February (a bank's month-end date) read as its last day: entry 1",
    "customer reference longer than SWIFT's 16 characters kept whole: entry 3",
]


def lines_of(data: bytes) -> dict[int, StatementLine]:
    parsed = read_statement_file(data)
    assert parsed.problems == []
    return {line.entry: line for statement in parsed.statements for line in statement.lines}


def test_a_cheque_returned_unpaid_is_a_reversal_taking_the_money_back_out():
    parsed = read_statement_file(REVERSALS.read_bytes())
    assert parsed.problems == []
    lines = {line.entry: line for statement in parsed.statements for line in statement.lines}
    assert len(lines) == parsed.entries == 6
    returned = lines[3]  # :61:2603100310RC960,00NCHKNONREF//LCL100326000103
    assert (returned.amount, returned.is_reversal) == (Decimal("-960.00"), True)
    assert (returned.transaction_code, returned.bank_reference) == ("NCHK", "LCL100326000103")
    assert returned.counterparty_name == "GARAGE DES QUAIS"
    assert [entry for entry, line in lines.items() if line.is_reversal] == [3, 5]
    assert [str(note) for note in parsed.notes] == [REVERSALS_NOTE]


def test_a_fee_given_back_is_a_reversal_bringing_the_money_back_in():
    given_back = lines_of(REVERSALS.read_bytes())[5]  # RD24,90NMSC
    assert (given_back.amount, given_back.is_reversal) == (Decimal("24.90"), True)


def test_cr_and_dr_are_a_credit_and_a_debit_with_a_funds_code_not_reversals():
    lines = lines_of(REVERSALS.read_bytes())
    credit, debit = lines[2], lines[4]  # CR1200,00NTRF and DR312,50NDDT
    assert (credit.amount, credit.is_reversal) == (Decimal("1200.00"), False)
    assert (debit.amount, debit.is_reversal) == (Decimal("-312.50"), False)
    assert credit.counterparty_name == "LOGISTIQUE BELLEVILLE"
    # Every sign right: the lines add up to closing (:62F:) minus opening (:60F:) balance.
    assert sum(line.amount for line in lines.values()) == Decimal("13134.40") - Decimal("12450.00")


def test_a_reversed_debit_is_money_coming_in_and_a_reversed_credit_money_going_out():
    data = (
        MT940.read_bytes()
        .replace(b"D86,40NMSCNONREF", b"RD86,40NMSCNONREF")
        .replace(b"2603060306C1200,00NTRF", b"2603060306RC1200,00NTRF")
    )
    lines = lines_of(data)
    assert (lines[1].amount, lines[1].is_reversal) == (Decimal("780.00"), False)
    assert (lines[2].amount, lines[2].is_reversal) == (Decimal("-1200.00"), True)
    assert (lines[3].amount, lines[3].is_reversal) == (Decimal("86.40"), True)


def test_each_oddity_is_read_and_said_once_in_a_note_naming_its_entry():
    parsed = read_statement_file(ODD.read_bytes())
    assert (parsed.entries, parsed.problems) == (6, [])
    assert [str(note) for note in parsed.notes] == ODD_NOTES


@pytest.mark.parametrize(
    ("path", "entries", "notes"),
    [(REVERSALS, 6, [REVERSALS_NOTE]), (ODD, 6, ODD_NOTES)],
    ids=["reversals", "odd"],
)
def test_statements_as_banks_write_them_import_whole_with_a_note_on_what_is_unusual(
    ledger, path, entries, notes
):
    result = import_bank(path)
    assert result.ok, result.message
    assert (result.created, result.rejected) == (entries, 0)
    assert [note for note in result.notes if note in notes] == notes
    assert BankLine.objects.count() == entries
    assert import_bank(path).created == 0  # and again: nothing new


@pytest.mark.parametrize(
    ("year", "last_day"), [(b"26", dt.date(2026, 2, 28)), (b"24", dt.date(2024, 2, 29))]
)
def test_30_february_is_the_last_day_of_february(year, last_day):
    data = ODD.read_bytes().replace(b":61:2602300302D6,00", b":61:" + year + b"02300302D6,00")
    fee = lines_of(data)[1]
    assert (fee.value_date, fee.booking_date) == (last_day, last_day.replace(month=3, day=2))
    assert (fee.amount, fee.transaction_code) == (Decimal("-6.00"), "N024")


def test_an_amount_without_its_comma_is_whole_euros():
    deposit = lines_of(ODD.read_bytes())[2]  # C500NTRF
    assert deposit.amount == Decimal("500.00")
    assert deposit.remittance_info == "ACOMPTE FA-2026-0130"


def test_a_customer_reference_over_16_characters_is_kept_whole():
    transfer = lines_of(ODD.read_bytes())[3]  # NTRFFR7610107001011234567890129//CIC...
    assert transfer.end_to_end_id == "FR7610107001011234567890129"
    assert (transfer.bank_reference, transfer.amount) == ("CIC020326000003", Decimal("1014.56"))


def test_transaction_types_outside_the_swift_list_are_kept_as_written():
    lines = lines_of(ODD.read_bytes())
    fee, card = lines[4], lines[5]  # D0,42MCI0NONREF and D120,00S   CARTE 4974
    assert (fee.amount, fee.transaction_code) == (Decimal("-0.42"), "MCI0")
    assert (card.amount, card.transaction_code, card.end_to_end_id) == (
        Decimal("-120.00"),
        "S",
        "CARTE 4974",
    )


def test_free_form_details_over_several_lines_keep_their_lines():
    lines = lines_of(ODD.read_bytes())
    bakery = lines[6]
    assert bakery.counterparty_name == "BOULANGERIES DU LYONNAIS SAS"
    assert bakery.additional_info == (
        "BOULANGERIES DU LYONNAIS SAS\nFACTURE FA-2026-0110\nREGLEMENT A RECEPTION"
    )
    # The :61: line's own supplementary details come after the :86: text.
    assert (
        lines[4].additional_info == "FRAIS DE TRANSMISSION\nDES RELEVES MT940 FEVRIER\nFRAIS MT940"
    )


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (b"2604310306C1200,00", "value '260431': not a date (YYMMDD)"),
        (b"2603061332C1200,00", "value '1332': not a date (entry date MMDD)"),
        (b"2603060306C1200,005NTRF", "value '1200,005': more than two decimals"),
    ],
)
def test_a_line_that_cannot_be_read_names_its_entry_and_partial_imports_the_others(
    ledger, tmp_path, written, problem
):
    path = tmp_path / "releve.sta"
    path.write_bytes(MT940.read_bytes().replace(b"2603060306C1200,00", written, 1))
    refused = import_bank(path)
    assert [str(problem) for problem in refused.problems] == [f"row 2, column :61:: {problem}"]
    assert not BankLine.objects.exists()
    result = import_bank(path, partial=True)
    assert (result.created, result.rejected) == (2, 1)
    assert sorted(BankLine.objects.values_list("entry", flat=True)) == [1, 3]


def test_a_tag_the_library_cannot_read_refuses_the_file_in_one_line_saying_where(ledger, tmp_path):
    path = tmp_path / "releve.sta"
    path.write_bytes(MT940.read_bytes().replace(b":60F:C260305", b":60F:X260305"))
    result = import_bank(path)
    assert result.message == "MT940: line 5, :60F: cannot be read: 'X260305EUR48210,17'"
    assert not BankStatement.objects.exists()

"""OFX files other programs wrote, as ofxparse keeps them for its own tests (the ofxparse 0.21
sdist, fetched by ``package_sample`` when the test runs, never committed here): bank
statements from American, Canadian and Australian banks are read with their lines; what is
not a bank account's statement (an investment account, a list of accounts, the bank's error
answer, an empty <OFX>) is refused in one line, never with a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from encaisse.banking.models import BankLine, BankStatement
from encaisse.banking.parsers import read_statement_file
from encaisse.banking.tests.conftest import import_bank
from encaisse.core.errors import BadInput

OFXPARSE = ("ofxparse", "0.21")
INVESTMENT = (
    "OFX: an investment account's statement (INVSTMTMSGSRSV1), not a bank account's: export "
    "the bank account's statement (BANKMSGSRSV1)"
)


@pytest.fixture
def ofx_file(package_sample) -> Callable[[str], bytes]:
    """ofx_file(name) -> the bytes of ofxparse's tests/fixtures/<name>."""
    return lambda name: package_sample(*OFXPARSE, f"tests/fixtures/{name}")


def test_a_checking_account_statement_is_read_line_by_line(ofx_file):
    parsed = read_statement_file(ofx_file("checking.ofx"))
    assert (parsed.format, parsed.entries, parsed.problems, parsed.notes) == ("OFX 102", 3, [], [])
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("5472369148 1452687~7", "USD")
    assert (statement.from_date, statement.to_date) == (dt.date(2000, 1, 1), dt.date(2013, 5, 25))
    assert [
        (line.booking_date, line.amount, line.transaction_code, line.unique_reference)
        for line in statement.lines
    ] == [
        (dt.date(2011, 3, 31), Decimal("0.01"), "CREDIT", "0000486"),  # dividend: money in
        (dt.date(2011, 4, 5), Decimal("-34.51"), "DEBIT", "0000487"),
        (dt.date(2011, 4, 7), Decimal("-25.00"), "CHECK", "0000488"),
    ]
    assert statement.lines[2].counterparty_name == "RETURNED CHECK FEE, CHECK # 319"


def test_sgml_without_closing_tags_keeps_the_dates_the_bank_printed(ofx_file):
    # <DTPOSTED>20090401122017.000[-5:EST]: 1 April where the bank is.
    [statement] = read_statement_file(ofx_file("bank_medium.ofx")).statements
    assert (statement.account, statement.currency) == ("160000100 00 12300 000012345678", "CAD")
    assert [
        (line.booking_date, line.amount, line.counterparty_name) for line in statement.lines
    ] == [
        (dt.date(2009, 4, 1), Decimal("-6.60"), "MCDONALD'S #112"),
        (dt.date(2009, 4, 2), Decimal("-316.67"), "Joe's Bald Hairstyles"),
        (dt.date(2009, 4, 3), Decimal("-22.00"), "CONNIE'S HAIR D"),
    ]
    assert statement.lines[0].remittance_info == "POS MERCHANDISE;MCDONALD'S #112"


def test_a_name_in_cdata_is_a_name(ofx_file):
    [line] = read_statement_file(ofx_file("suncorp.ofx")).statements[0].lines
    assert (line.booking_date, line.amount, line.currency) == (
        dt.date(2013, 12, 15),
        Decimal("-16.85"),
        "AUD",
    )
    assert line.counterparty_name == "EFTPOS WDL HANDYWAY ALDI STORE"


def test_each_account_of_a_file_is_a_statement_and_balances_alone_import_nothing(
    ledger, ofx_file, tmp_path
):
    data = ofx_file("multiple_accounts.ofx")  # OFX 2 (XML), balances without transactions
    parsed = read_statement_file(data)
    assert [(s.account, s.currency, len(s.lines)) for s in parsed.statements] == [
        ("123 00 9100", "USD", 0),
        ("123 00 9200", "USD", 0),
    ]
    path = tmp_path / "multiple_accounts.ofx"
    path.write_bytes(data)
    result = import_bank(path)
    assert (result.ok, result.message) == (
        False,
        "the statement has no entry (no movement to import)",
    )
    assert not BankStatement.objects.exists()


def test_a_bank_statement_from_another_program_imports_once(ledger, ofx_file, tmp_path):
    path = tmp_path / "checking.ofx"
    path.write_bytes(ofx_file("checking.ofx"))
    result = import_bank(path)
    assert result.ok, result.message
    assert (result.created, result.rejected) == (3, 0)
    assert sorted(BankLine.objects.values_list("amount", flat=True)) == [
        Decimal("-34.51"),
        Decimal("-25.00"),
        Decimal("0.01"),
    ]
    assert import_bank(path).created == 0


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("bank_small.ofx", "OFX: no bank account statement in the file (BANKMSGSRSV1 expected)"),
        ("fidelity.ofx", INVESTMENT),
        ("investment_medium.ofx", INVESTMENT),  # its cash lines are a broker's, not a bank's
        (
            "account_listing_aggregation.ofx",
            "OFX: a list of the bank's accounts (ACCTINFORS), not a statement: export the bank "
            "account's statement (BANKMSGSRSV1)",
        ),
        (
            "error_message.ofx",
            "OFX: the bank sent an error instead of a statement: 2000 General Server Error",
        ),
        (
            "signon_fail.ofx",
            "OFX: the bank sent an error instead of a statement: 15500 Your request could not be "
            "processed because you supplied an invalid identification code or your password was "
            "incorrect",
        ),
    ],
)
def test_what_is_not_a_bank_statement_is_refused_in_one_line(ofx_file, name, refused):
    with pytest.raises(BadInput) as error:
        read_statement_file(ofx_file(name))
    assert str(error.value) == refused


def test_an_investment_file_fails_its_import_with_that_line_and_stores_nothing(
    ledger, ofx_file, tmp_path
):
    path = tmp_path / "fidelity.ofx"
    path.write_bytes(ofx_file("fidelity.ofx"))
    result = import_bank(path)
    assert (result.ok, result.message) == (False, INVESTMENT)
    assert not BankStatement.objects.exists()


def test_a_bank_account_beside_an_investment_account_is_read_and_the_other_left_out(ofx_file):
    bank = ofx_file("checking.ofx")
    investment = ofx_file("investment_medium.ofx")
    start, end = investment.index(b"<INVSTMTMSGSRSV1>"), investment.index(b"</INVSTMTMSGSRSV1>")
    both = bank.replace(b"</OFX>", investment[start:end] + b"</INVSTMTMSGSRSV1>\n</OFX>")
    parsed = read_statement_file(both)
    assert [(s.account, len(s.lines)) for s in parsed.statements] == [("5472369148 1452687~7", 3)]
    assert [str(note) for note in parsed.notes] == [
        "investment account statements left out (INVSTMTRS, not a bank account's): ABC123"
    ]


def test_an_empty_optional_field_does_not_lose_the_movement_an_empty_fitid_does(ofx_file):
    data = ofx_file("ofx-v102-empty-tags.ofx")  # <NAME></NAME>, <CHECKNUM></CHECKNUM>...
    parsed = read_statement_file(data)
    # FITID, the bank's id of the movement, is required: the entry is named, the rest read.
    assert [str(problem) for problem in parsed.problems] == [
        "row 1, column STMTTRN: value '': Empty FIT id (a required field)"
    ]
    with_id = data.replace(b"<FITID></FITID>", b"<FITID>20180507-1</FITID>")
    [line] = read_statement_file(with_id).statements[0].lines
    assert (line.booking_date, line.amount, line.transaction_code) == (
        dt.date(2018, 5, 7),
        Decimal("12.34"),
        "CREDIT",
    )
    assert (line.counterparty_name, line.remittance_info) == ("", "CBA:Transfer")

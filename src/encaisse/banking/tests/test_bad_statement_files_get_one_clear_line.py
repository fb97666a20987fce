"""A file that is not a good statement is refused in one line, and nothing is written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.banking.models import BankLine, BankStatement
from encaisse.banking.tests.conftest import CAMT, entry, import_bank
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.ledger.models import Payment


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n", "the file is empty"),
        (bytes(range(256)) * 8, "a binary file, not a bank statement"),
        (b"%PDF-1.7\n...", "a PDF is not a statement this import reads"),
        (b"PK\x03\x04....", "a ZIP archive: unzip it"),
        (
            "N° facture;Montant\nFA-1;10\n".encode(),
            "not a bank statement this import reads (camt.053 XML, MT940 or OFX): "
            "the file starts with 'N° facture;Montant'",
        ),
        (b"<Document><BkToCstmrStmt><Stmt>", "not well-formed XML: line 1:"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
            "a camt.054 message is not an end-of-day statement",
        ),
        (b"<invoice><total>12</total></invoice>", "an XML file without a camt.053 statement"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>',
            "an XML file with a DOCTYPE",
        ),
        (b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX></OFX>", "OFX: no bank account statement"),
    ],
)
def test_a_file_that_is_no_statement_is_refused_in_one_line(ledger, tmp_path, content, message):
    path = tmp_path / "releve.xml"
    path.write_bytes(content)
    result = import_bank(path)
    assert result.status == ImportStatus.FAILED
    assert result.message.startswith(message), result.message
    assert "\n" not in result.message
    assert not BankStatement.objects.exists()


def test_an_unparseable_amount_names_its_entry_and_nothing_is_imported(ledger, camt):
    path = camt(
        entry("780.00", text="FA-2026-0130"),
        entry("12,50", name="X"),
        entry("4500.00", text="FA-2026-0110", indicator="CREDIT"),
    )
    result = import_bank(path)
    assert [str(problem) for problem in result.problems] == [
        "row 2, column Amt: value '12,50': not an amount (digits and a decimal point expected)",
        "row 3, column CdtDbtInd: value 'CREDIT': CRDT or DBIT expected",
    ]
    assert result.message == (
        "nothing was imported: 2 problems in 2 of 3 entries "
        "(fix them, or import with --partial to import the good entries)"
    )
    assert not BankLine.objects.exists()
    assert not Payment.objects.exists()
    assert ImportRun.objects.get(pk=result.run_id).problem_count == 2


def test_a_currency_that_is_no_iso_code_names_its_entry(ledger, camt):
    path = camt(entry("780.00", text="FA-2026-0130").replace('Ccy="EUR"', 'Ccy="EUX"'))
    result = import_bank(path)
    assert [str(problem) for problem in result.problems] == [
        "row 1, column Amt@Ccy: value 'EUX': not an ISO 4217 currency code (such as EUR, USD, "
        "GBP, CHF)"
    ]
    assert not BankLine.objects.exists()


def test_partial_imports_the_good_entries_and_lists_the_bad(ledger, camt):
    path = camt(entry("780.00", text="FA-2026-0130"), entry("1.234", name="X"))
    result = import_bank(path, partial=True)
    assert (result.status, result.created, result.rejected) == (ImportStatus.PARTIAL, 1, 1)
    assert result.problems[0].reason == "more than two decimals"


def test_the_command_prints_each_problem_and_exits_2(ledger, camt):
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", "bank", str(camt(entry("abc"))), stderr=err)
    assert failure.value.returncode == 2
    assert err.getvalue() == (
        "row 1, column Amt: value 'abc': not an amount (digits and a decimal point expected)\n"
    )
    assert str(failure.value).startswith("releve.xml: nothing was imported: 1 problem")


def test_a_missing_file_and_an_unknown_entity_are_one_line(ledger, tmp_path):
    assert import_bank(tmp_path / "none.xml").message.endswith("none.xml: no such file")
    assert import_bank(CAMT, entity="NOPE").message.startswith("--entity: no legal entity 'NOPE'")

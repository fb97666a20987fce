"""A camt.053 day statement as BNP Paribas exports it: every entry becomes a line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankAccount, BankLine, BankStatement, LineStatus
from encaisse.banking.parsers import read_statement_file
from encaisse.banking.tests.conftest import CAMT, OUR_IBAN, import_bank
from encaisse.imports.models import ImportKind, ImportRun, ImportStatus


def test_camt053_entries_are_read_with_their_parties_and_remittance_information():
    parsed = read_statement_file(CAMT.read_bytes())
    assert parsed.format == "camt.053.001.02"
    assert parsed.problems == []
    [statement] = parsed.statements
    assert (statement.account, statement.identifier) == (OUR_IBAN, "0000120260305")
    assert statement.from_date == statement.to_date == dt.date(2026, 3, 5)
    first, *_, debit = statement.lines
    assert first.amount == Decimal("2214.56")
    assert first.counterparty_name == "LOGISTIQUE BELLEVILLE SARL"
    assert first.counterparty_iban == "FR7610107001011234567890129"
    assert first.remittance_info == "REGLEMENT FACTURES FA-2026-0101 FA-2026-0102"
    assert first.bank_reference == "0503260001234567"
    assert first.end_to_end_id == "VIR-LBV-20260304-01"
    assert first.transaction_code == "PMNT/RCDT/ESCT"
    assert debit.amount == Decimal("-515.28")
    assert debit.counterparty_name == "TOTALENERGIES MARKETING FRANCE"
    assert statement.lines[1].end_to_end_id == ""  # NOTPROVIDED is no reference


def test_importing_a_camt053_file_records_the_statement_and_an_import_run(ledger):
    result = import_bank(CAMT)
    assert result.ok, result.message
    assert (result.created, result.unchanged, result.rejected) == (5, 0, 0)
    assert result.file_format["format"] == "camt.053.001.02"
    run = ImportRun.objects.get(pk=result.run_id)
    assert (run.kind, run.status) == (ImportKind.BANK, ImportStatus.SUCCEEDED)
    assert run.entity == ledger["C001"].entity
    statement = BankStatement.objects.get()
    assert statement.import_run == run
    assert statement.account == BankAccount.objects.get(identifier=OUR_IBAN, iban=OUR_IBAN)
    assert len(statement.sha256) == 64
    assert BankLine.objects.filter(status=LineStatus.IGNORED).count() == 1
    assert result.notes == [
        "2 payments matched to invoices automatically",
        "2 credits to reconcile by hand on /bank/reconciliation/",
        "1 debit (money out) kept aside as ignored lines",
    ]


def test_a_camt053_001_08_statement_reads_the_same(ledger, tmp_path):
    path = tmp_path / "releve-v8.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>SG-1</MsgId><CreDtTm>2026-03-06T05:00:00+01:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>SG-STMT-0306</Id><CreDtTm>2026-03-06T05:00:00+01:00</CreDtTm>"
        f"<Acct><Id><IBAN>{OUR_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Ntry><Amt Ccy="EUR">780.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-03-06T09:30:00+01:00</DtTm></BookgDt>"
        "<ValDt><Dt>2026-03-06</Dt></ValDt><AcctSvcrRef>SG-0306-1</AcctSvcrRef>"
        "<NtryDtls><TxDtls><Refs><EndToEndId>ARN-42</EndToEndId></Refs>"
        "<RltdPties><Dbtr><Pty><Nm>MENUISERIE ARNAUD</Nm></Pty></Dbtr>"
        "<DbtrAcct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></DbtrAcct></RltdPties>"
        "<RmtInf><Strd><RfrdDocInf><Nb>FA-2026-0130</Nb></RfrdDocInf></Strd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
        '<Ntry><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2026-03-06</Dt></BookgDt></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    result = import_bank(path)
    assert result.ok, result.message
    assert result.file_format["format"] == "camt.053.001.08"
    assert "1 pending or information-only entry was not read" in result.notes
    line = BankLine.objects.get()
    assert (line.booking_date, line.counterparty_name) == (dt.date(2026, 3, 6), "MENUISERIE ARNAUD")
    assert line.status == LineStatus.MATCHED
    assert line.payment.allocations.get().invoice.number == "FA-2026-0130"


def test_a_batch_entry_gives_one_line_per_transfer(ledger, tmp_path):
    path = tmp_path / "lot.xml"
    transfer = (
        "<TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>"
        '<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
        "<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>"
        "<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
    )
    path.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-06T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S</Id><Acct><Id><IBAN>{OUR_IBAN}</IBAN></Id></Acct>"
        '<Ntry><Amt Ccy="EUR">5280.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2026-03-05</Dt></BookgDt><AcctSvcrRef>LOT-1</AcctSvcrRef><NtryDtls>"
        + transfer.format(ref="LOT-1-A", amount="4500.00", name="BOULANGERIES", text="FA-2026-0110")
        + transfer.format(ref="LOT-1-B", amount="780.00", name="ARNAUD", text="FA-2026-0130")
        + "</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    result = import_bank(path)
    assert result.ok, result.message
    lines = BankLine.objects.order_by("amount")
    assert [(line.amount, line.status) for line in lines] == [
        (Decimal("780.00"), LineStatus.MATCHED),
        (Decimal("4500.00"), LineStatus.MATCHED),
    ]
    assert {line.entry for line in lines} == {1}


def test_an_upload_fills_in_its_queued_import_run(ledger, finance_fanny):
    queued = ImportRun.objects.create(
        kind=ImportKind.BANK, created_by=finance_fanny, file_name=CAMT.name
    )
    result = import_bank(CAMT, user=finance_fanny, import_run_id=queued.pk)
    assert result.run_id == queued.pk
    queued.refresh_from_db()
    assert (queued.status, queued.rows_created) == (ImportStatus.SUCCEEDED, 5)
    assert ImportRun.objects.count() == 1
    assert BankStatement.objects.get().import_run == queued

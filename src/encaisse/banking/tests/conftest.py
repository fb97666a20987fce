"""The bank tests' ledger and files: statements as French banks send them.

samples/ holds a camt.053.001.02 day statement as BNP Paribas exports it, an MT940 from
Société Générale and an OFX (SGML, Windows-1252) from Crédit Agricole, all for the ledger
below. ``camt`` writes a small camt.053 for one story.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from encaisse.banking.services import import_bank_statement
from encaisse.imports.services import ImportResult

SAMPLES = Path(__file__).parent / "samples"
CAMT = SAMPLES / "bnp_camt053_001_02.xml"
MT940 = SAMPLES / "sg_mt940.sta"
OFX = SAMPLES / "ca_releve.ofx"
OUR_IBAN = "FR7630004000031234567890143"
BELLEVILLE_IBAN = "FR7610107001011234567890129"


@pytest.fixture
def ledger(entity, rep_remi, rep_paul):
    """Four customers of Transports Rhône-Loire with the invoices the samples pay."""
    from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

    customers = {}
    for code, name, rep, invoices in (
        ("C001", "Logistique Belleville", rep_remi,
         [("FA-2026-0101", "1200.00"), ("FA-2026-0102", "1014.56")]),
        ("C002", "Boulangeries du Lyonnais SAS", rep_remi, [("FA-2026-0110", "4500.00")]),
        ("C003", "Garage des Quais", rep_paul,
         [("FA-2026-0120", "960.00"), ("FA-2026-0121", "960.00")]),
        ("C004", "Menuiserie Arnaud", rep_paul, [("FA-2026-0130", "780.00")]),
    ):  # fmt: skip
        customer = CustomerFactory(entity=entity, external_id=code, name=name, sales_rep=rep)
        for number, amount in invoices:
            InvoiceFactory(customer=customer, number=number, amount=Decimal(amount))
        customers[code] = customer
    return customers


def import_bank(path: Path, **options: object) -> ImportResult:
    return import_bank_statement(path=path, **options)  # type: ignore[arg-type]


def entry(
    amount: str,
    *,
    name: str = "",
    iban: str = "",
    text: str = "",
    indicator: str = "CRDT",
    reference: str = "",
    booked: str = "2026-03-05",
) -> str:
    """One camt.053 Ntry (a credit unless ``indicator='DBIT'``)."""
    party = "Dbtr" if indicator == "CRDT" else "Cdtr"
    parties = ""
    if name or iban:
        parties = (
            f"<RltdPties><{party}><Nm>{escape(name)}</Nm></{party}>"
            + (f"<{party}Acct><Id><IBAN>{iban}</IBAN></Id></{party}Acct>" if iban else "")
            + "</RltdPties>"
        )
    remittance = f"<RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf>" if text else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>"
        + (f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else "")
        + f"<NtryDtls><TxDtls>{parties}{remittance}</TxDtls></NtryDtls></Ntry>"
    )


@pytest.fixture
def camt(tmp_path: Path) -> Callable[..., Path]:
    """camt(*entries, statement_id=..., name=...) -> a camt.053.001.02 file of those entries."""

    def write(*entries: str, statement_id: str = "STMT-1", name: str = "releve.xml") -> Path:
        path = tmp_path / name
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-06T06:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><CreDtTm>2026-03-06T06:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{OUR_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            + "".join(entries)
            + "</Stmt></BkToCstmrStmt></Document>",
            encoding="utf-8",
        )
        return path

    return write

"""Yesterday's bank statement of the demo company, as its bank sends it (camt.053.001.02).

Most credits name their invoices or come from a payer whose one invoice has that amount:
the import matches them. A few do not (a partial payment without reference, a payer whose
name differs from the ledger's, two invoices paid at once without saying which): they wait
in the reconciliation queue, for a visitor to allocate in a few clicks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from encaisse.banking.services import import_bank_statement
from encaisse.imports.services import ImportResult
from encaisse.ledger.models import Customer, Invoice, LegalEntity

NAMED = 14  # credits naming their invoice numbers
BY_NAME_AND_AMOUNT = 6  # the payer's exact name, the amount of one open invoice
UNCERTAIN = 7  # for the queue


@dataclass(frozen=True)
class Credit:
    amount: Decimal
    payer: str
    remittance: str
    iban: str = ""


def _open_invoices(today: dt.date) -> dict[int, list[Invoice]]:
    by_customer: dict[int, list[Invoice]] = {}
    for invoice in Invoice.objects.overdue(today).order_by("customer_id", "due_date", "pk"):
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    return by_customer


def demo_credits(*, today: dt.date, seed: int = 2026) -> list[Credit]:
    """The credits of yesterday's statement, drawn from the open invoices."""
    rng = random.Random(f"bank-{seed}")
    by_customer = _open_invoices(today)
    customers = Customer.objects.in_bulk(list(by_customer))
    ids = sorted(by_customer)
    rng.shuffle(ids)
    credits: list[Credit] = []
    picked = iter(ids)
    for customer_id in picked:
        if len(credits) >= NAMED:
            break
        invoice = by_customer[customer_id][0]
        credits.append(
            Credit(
                amount=invoice.open_amount,
                payer=customers[customer_id].name.upper(),
                remittance=f"REGLEMENT FACTURE {invoice.number}",
            )
        )
    for customer_id in picked:
        if len(credits) >= NAMED + BY_NAME_AND_AMOUNT:
            break
        invoices = by_customer[customer_id]
        amounts = [invoice.open_amount for invoice in invoices]
        if amounts.count(amounts[0]) != 1:
            continue
        credits.append(
            Credit(
                amount=amounts[0],
                payer=customers[customer_id].name.upper(),
                remittance=f"VIREMENT {customers[customer_id].name.upper()[:20]}",
            )
        )
    for uncertain, customer_id in enumerate(picked):
        if uncertain >= UNCERTAIN:
            break
        customer = customers[customer_id]
        invoices = by_customer[customer_id]
        if uncertain % 3 == 0 and len(invoices) >= 2:  # two invoices, neither named
            amount = invoices[0].open_amount + invoices[1].open_amount
            remittance = "REGLEMENT FACTURES OCTOBRE"
        elif uncertain % 3 == 1:  # a part payment without reference
            amount = (invoices[0].open_amount * Decimal("0.5")).quantize(Decimal("0.01"))
            remittance = "ACOMPTE"
        else:  # the parent company pays, under another name
            amount = invoices[0].open_amount
            remittance = "PAIEMENT FOURNISSEUR"
        first_word = customer.name.split()[0].upper()
        credits.append(
            Credit(amount=amount, payer=f"GROUPE {first_word} HOLDING", remittance=remittance)
        )
    return credits


def _entry(number: int, amount: Decimal, credit: bool, day: str, name: str, text: str) -> str:
    side = "CRDT" if credit else "DBIT"
    party = "Dbtr" if credit else "Cdtr"
    return f"""      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{side}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>DEMO{day.replace("-", "")}{number:05d}</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties><{party}><Nm>{escape(name)}</Nm></{party}></RltdPties>
            <RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
"""


def statement_xml(entity: LegalEntity, credits: list[Credit], *, day: dt.date) -> str:
    iso = day.isoformat()
    entries = [
        _entry(n, c.amount, True, iso, c.payer, c.remittance)
        for n, c in enumerate(credits, start=1)
    ]
    entries.append(
        _entry(len(entries) + 1, Decimal("38.40"), False, iso, "BNP PARIBAS", "FRAIS TENUE CPTE")
    )
    entries.append(
        _entry(len(entries) + 1, Decimal("12480.00"), False, iso, "URSSAF RHONE ALPES", "PRLV")
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>DEMO{iso.replace("-", "")}</MsgId><CreDtTm>{iso}T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>DEMO{iso.replace("-", "")}</Id>
      <CreDtTm>{iso}T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{entity.iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{"".join(entries)}    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def import_demo_statement(*, today: dt.date, folder: Path, seed: int = 2026) -> ImportResult:
    """Write yesterday's statement in ``folder`` and import it as finance would."""
    entity = LegalEntity.objects.order_by("pk").first()
    if entity is None or not entity.iban:
        raise ValueError("the demo statement needs the demo company and its IBAN")
    yesterday = today - dt.timedelta(days=1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"releve-{yesterday.isoformat()}.xml"
    path.write_text(
        statement_xml(entity, demo_credits(today=today, seed=seed), day=yesterday),
        encoding="utf-8",
    )
    return import_bank_statement(path=path, entity=entity.code)

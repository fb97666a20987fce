"""camt.053 (ISO 20022 Bank-to-Customer Statement), versions .001.02 to .001.13, with lxml.

Elements are found by their local name under the file's own namespace, so every version
reads the same. One line per entry (``Ntry``); an entry that batches several transfers
(several ``TxDtls``, each with its amount) gives one line per transfer. Only booked entries
are read (``Sts`` BOOK); pending or information-only ones are counted in a note.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree
from lxml.etree import _Element

from encaisse.banking.parsers import Statement, StatementFile, StatementLine
from encaisse.banking.parsers.wording import (
    clean_reference,
    compact_iban,
    parse_amount,
    parse_iso_date,
)
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, sentence_plural, text_of
from encaisse.core.money import UnknownCurrency, currency_code
from encaisse.imports.rows import Problem


class _Reader:
    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def _path(self, path: str) -> str:
        if not self.ns:
            return path
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: _Element | None, path: str) -> _Element | None:
        if element is None:
            return None
        return element.find(self._path(path))

    def findall(self, element: _Element, path: str) -> list[_Element]:
        return list(element.findall(self._path(path)))

    def text(self, element: _Element | None, *paths: str) -> str:
        """The stripped text of the first of ``paths`` that is there; '' if none is."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return " ".join(found.text.split())
        return ""


def read_camt(data: bytes) -> StatementFile:
    root = _parse_xml(data)
    namespace = etree.QName(root).namespace or ""
    version = namespace.rsplit(":", 1)[-1] if namespace else "camt.053"
    reader = _Reader(namespace)
    message = reader.find(root, "BkToCstmrStmt")
    if message is None:
        raise BadInput(
            sentence(
                "an XML file without a camt.053 statement (its root is <%(root)s>, BkToCstmrStmt "
                "expected)",
                root=etree.QName(root).localname,
            )
        )
    result = StatementFile(format=version)
    skipped = 0
    for stmt in reader.findall(message, "Stmt"):
        statement = _statement(reader, stmt)
        for entry in reader.findall(stmt, "Ntry"):
            result.entries += 1
            status = reader.text(entry, "Sts/Cd", "Sts")
            if status and status.upper() not in ("BOOK", "BOOKED"):
                skipped += 1
                continue
            try:
                statement.lines.extend(_lines(reader, entry, result.entries))
            except _EntryError as error:
                result.problems.append(
                    Problem(row=result.entries, column=error.column, value=error.value,
                            reason=error.reason)
                )  # fmt: skip
        result.statements.append(statement)
    if not result.statements:
        raise BadInput(sentence("a camt.053 file without any statement (no Stmt element)"))
    if skipped:
        result.notes.append(
            sentence_plural(
                "%(count)s pending or information-only entry was not read",
                "%(count)s pending or information-only entries were not read",
                skipped,
            )
        )
    return result


def _parse_xml(data: bytes) -> _Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        if error.lineno:
            raise BadInput(
                sentence(
                    "not well-formed XML: line %(line)s: %(error)s",
                    line=str(error.lineno),
                    error=str(error.msg),
                )
            ) from None
        raise BadInput(sentence("not well-formed XML: %(error)s", error=str(error.msg))) from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise BadInput(sentence("an XML file with a DOCTYPE: a bank statement has none (refused)"))
    return root


def _statement(reader: _Reader, stmt: _Element) -> Statement:
    account = reader.find(stmt, "Acct")
    iban = compact_iban(reader.text(account, "Id/IBAN"))
    identifier = iban or reader.text(account, "Id/Othr/Id")
    if not identifier:
        raise BadInput(sentence("a camt.053 statement without its account (Acct/Id)"))
    statement_id = reader.text(stmt, "Id") or reader.text(stmt, "ElctrncSeqNb")
    from_text = reader.text(stmt, "FrToDt/FrDtTm")
    to_text = reader.text(stmt, "FrToDt/ToDtTm")
    try:
        from_date = parse_iso_date(from_text) if from_text else None
        to_date = parse_iso_date(to_text) if to_text else None
    except ValueError:
        raise BadInput(
            sentence("statement %(statement)s: FrToDt is not a date period", statement=statement_id)
        ) from None
    return Statement(
        account=identifier,
        iban=iban,
        currency=reader.text(account, "Ccy").upper() or "EUR",
        identifier=statement_id or "camt.053",
        from_date=from_date,
        to_date=to_date,
    )


class _EntryError(Exception):
    def __init__(self, column: str, value: str, reason: Text) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def _amount(reader: _Reader, element: _Element | None, path: str) -> tuple[Decimal, str]:
    found = reader.find(element, path)
    if found is None or not (found.text or "").strip():
        raise _EntryError(path, "", sentence("the amount is missing"))
    try:
        amount = parse_amount(found.text or "")
    except ValueError as error:
        raise _EntryError(path, (found.text or "").strip(), text_of(error)) from None
    currency = (found.get("Ccy") or "").strip()
    try:
        return amount, currency_code(currency)
    except UnknownCurrency as error:
        raise _EntryError(f"{path}@Ccy", currency, text_of(error)) from None


def _date(reader: _Reader, entry: _Element, tag: str) -> dt.date | None:
    text = reader.text(entry, f"{tag}/Dt", f"{tag}/DtTm")
    if not text:
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        raise _EntryError(tag, text, sentence("not a date (YYYY-MM-DD expected)")) from None


def _lines(reader: _Reader, entry: _Element, number: int) -> list[StatementLine]:
    amount, currency = _amount(reader, entry, "Amt")
    indicator = reader.text(entry, "CdtDbtInd").upper()
    if indicator not in ("CRDT", "DBIT"):
        raise _EntryError("CdtDbtInd", indicator, sentence("CRDT or DBIT expected"))
    sign = Decimal(1) if indicator == "CRDT" else Decimal(-1)
    value_date = _date(reader, entry, "ValDt")
    booking_date = _date(reader, entry, "BookgDt") or value_date
    if booking_date is None:
        raise _EntryError("BookgDt", "", sentence("the booking date is missing"))
    entry_reference = reader.text(entry, "AcctSvcrRef") or reader.text(entry, "NtryRef")
    code = "/".join(
        part
        for part in (
            reader.text(entry, "BkTxCd/Domn/Cd"),
            reader.text(entry, "BkTxCd/Domn/Fmly/Cd"),
            reader.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"),
        )
        if part
    ) or reader.text(entry, "BkTxCd/Prtry/Cd")
    entry_info = reader.text(entry, "AddtlNtryInf")
    # A reversal: the bank takes back an earlier credit (or gives back a debit). A return
    # says so by RvslInd, by a return's transaction code, or by its return information.
    reversal = reader.text(entry, "RvslInd").lower() in ("true", "1") or code.upper().endswith(
        ("/RRTN", "/RPCR", "/UPCT")
    )
    details = [
        transaction
        for details in reader.findall(entry, "NtryDtls")
        for transaction in reader.findall(details, "TxDtls")
    ]
    batch = len(details) > 1
    if batch:
        amounts = [_transaction_amount(reader, transaction) for transaction in details]
        if (
            any(value is None for value in amounts)
            or sum(value[0] for value in amounts if value is not None) != amount
        ):
            batch = False  # the transfers' amounts do not add up: keep the entry whole
    lines = []
    for index, transaction in enumerate(details if batch else details[:1] or [None], start=1):
        line_amount = amount
        if batch and transaction is not None:
            found = _transaction_amount(reader, transaction)
            assert found is not None  # noqa: S101 (checked above)
            line_amount = found[0]
        party = "Dbtr" if sign > 0 else "Cdtr"
        name = reader.text(
            transaction,
            f"RltdPties/{party}/Nm",
            f"RltdPties/{party}/Pty/Nm",
            f"RltdPties/Ultmt{party}/Nm",
            f"RltdPties/Ultmt{party}/Pty/Nm",
        )
        iban = compact_iban(reader.text(transaction, f"RltdPties/{party}Acct/Id/IBAN"))
        remittance = _remittance(reader, transaction)
        reference = reader.text(transaction, "Refs/AcctSvcrRef")
        unique = reference or (f"{entry_reference}#{index}" if batch else entry_reference)
        lines.append(
            StatementLine(
                entry=number,
                booking_date=booking_date,
                value_date=value_date,
                amount=sign * line_amount,
                currency=currency,
                counterparty_name=name[:200],
                counterparty_iban=iban,
                remittance_info=remittance,
                additional_info=" ".join(
                    part for part in (reader.text(transaction, "AddtlTxInf"), entry_info) if part
                ),
                bank_reference=(reference or entry_reference)[:80],
                end_to_end_id=clean_reference(reader.text(transaction, "Refs/EndToEndId")),
                transaction_code=code[:40],
                unique_reference=unique[:200],
                is_reversal=reversal,
                return_reason=(
                    reader.text(transaction, "RtrInf/Rsn/Cd")
                    or reader.text(transaction, "RtrInf/Rsn/Prtry")
                )[:4].upper(),
            )
        )
    return lines


def _transaction_amount(reader: _Reader, transaction: _Element) -> tuple[Decimal, str] | None:
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        if reader.find(transaction, path) is not None:
            return _amount(reader, transaction, path)
    return None


MAX_REMITTANCE = 2000  # characters kept of a line's remittance (ISO's own is 140 per block)


def _remittance(reader: _Reader, transaction: _Element | None) -> str:
    if transaction is None:
        return ""
    parts: list[str] = []
    for info in reader.findall(transaction, "RmtInf"):
        parts.extend(
            " ".join(element.text.split())
            for element in reader.findall(info, "Ustrd")
            if element.text and element.text.strip()
        )
        for structured in reader.findall(info, "Strd"):
            parts.extend(
                text
                for text in (
                    *(
                        reader.text(document, "Nb")
                        for document in reader.findall(structured, "RfrdDocInf")
                    ),
                    reader.text(structured, "CdtrRefInf/Ref"),
                    *(
                        " ".join(element.text.split())
                        for element in reader.findall(structured, "AddtlRmtInf")
                        if element.text
                    ),
                )
                if text
            )
    return " ".join(parts)[:MAX_REMITTANCE]

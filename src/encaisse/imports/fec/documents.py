"""What a FEC's customer lines give the ledger: invoices, credit notes, payments and
refunds, numbered as the module docstring of ``imports.fec.reader`` says, as canonical rows
for the loaders. A part of ``FecFile`` (its ``documents()``), kept apart from reading lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from encaisse.core.i18n import sentence
from encaisse.imports.fec.entries import (
    CUSTOMER_ACCOUNT_PREFIX,
    DocumentNumber,
    EntryKind,
    FecInvoiceRow,
    FecLine,
    FecStats,
    entry_document,
    entry_reference,
    names_a_document,
)
from encaisse.imports.rows import Row


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"


@dataclass(slots=True)
class Document:
    """What a customer line gives the ledger: an invoice, a credit note or a payment."""

    kind: DocumentKind
    row: Row  # the canonical row for the invoice or payment loader
    line: FecLine


class FecDocuments:
    """The documents of a FEC's customer lines; mixed into ``FecFile``, which reads them."""

    stats: FecStats
    header: list[str]
    positions: dict[str, int]
    debit_column: str
    credit_column: str
    has_due_dates: bool

    def entries(self) -> Iterator[tuple[EntryKind, list[FecLine]]]:
        raise NotImplementedError

    def documents(self, *, currency: str) -> Iterator[Document | FecLine]:
        """The documents of the customer lines, in file order; a line that cannot give one
        comes out as the FecLine itself (with its problems, or none when it is left out)."""
        for kind, lines in self.entries():
            payments = [
                line
                for line in lines
                if kind is EntryKind.BANK and (line.credit or line.debit) and not line.problems
            ]
            numbers = self._document_numbers(kind, lines)
            for line in lines:
                if line.problems or not line.account.startswith(CUSTOMER_ACCOUNT_PREFIX):
                    yield line
                    continue
                self.stats.customer_lines += 1
                if not line.debit and not line.credit:
                    self.stats.zero_lines += 1
                    yield line
                    continue
                if line.debit and kind is EntryKind.BANK:  # paid back to the customer
                    suffix = f"-{payments.index(line) + 1}" if len(payments) > 1 else ""
                    yield self._payment(line, suffix, currency, refund=True)
                elif line.debit:
                    number = numbers[line.number]
                    yield self._invoice(
                        line, DocumentKind.INVOICE, line.debit, currency, number, entry=kind
                    )
                elif kind in (EntryKind.SALES, EntryKind.OPENING):
                    number = numbers[line.number]
                    yield self._invoice(
                        line, DocumentKind.CREDIT_NOTE, -line.credit, currency, number, entry=kind
                    )
                elif kind is EntryKind.BANK:
                    suffix = f"-{payments.index(line) + 1}" if len(payments) > 1 else ""
                    yield self._payment(line, suffix, currency)
                else:
                    self.stats.other_credit_lines += 1
                    yield line

    def _document_numbers(self, kind: EntryKind, lines: list[FecLine]) -> dict[int, DocumentNumber]:
        """The number of each invoice and credit-note line of an entry, by line number.

        Its PieceRef when that names a document; else its entry. Several lines of the entry
        under one number are its parts, /1, /2... in line order.
        """
        invoice_lines = [
            line
            for line in lines
            if not line.problems
            and line.account.startswith(CUSTOMER_ACCOUNT_PREFIX)
            and (line.debit or (line.credit and kind in (EntryKind.SALES, EntryKind.OPENING)))
        ]
        if not invoice_lines:
            return {}
        entry = entry_document(invoice_lines[0])
        if len(invoice_lines) == 1:  # most entries: one invoice, one customer line
            line = invoice_lines[0]
            if names_a_document(line.piece_ref):
                return {line.number: DocumentNumber(line.piece_ref, entry, line.piece_ref, entry)}
        several = len(invoice_lines) > 1
        by_entry = {
            line.number: (f"{entry}/{position}" if several else entry) if entry else ""
            for position, line in enumerate(invoice_lines, start=1)
        }
        groups: dict[str, list[FecLine]] = {}
        for line in invoice_lines:
            piece = line.piece_ref if names_a_document(line.piece_ref) else ""
            groups.setdefault(piece, []).append(line)
        numbers: dict[int, DocumentNumber] = {}
        for piece, group in groups.items():
            for part, line in enumerate(group, start=1):
                if piece:
                    number = f"{piece}/{part}" if len(group) > 1 else piece
                elif number := by_entry[line.number]:
                    self.stats.numbered_by_entry += 1
                    if self.stats.placeholder is None:
                        self.stats.placeholder = line.piece_ref
                    self.stats.by_entry_example = self.stats.by_entry_example or number
                numbers[line.number] = DocumentNumber(number, by_entry[line.number], piece, entry)
            if len(group) > 1 and (piece or entry):
                self.stats.split_documents += 1
                self.stats.split_parts += len(group)
                self.stats.split_example = self.stats.split_example or (
                    f"{piece}/1" if piece else f"{entry}/1"
                )
        return numbers

    def _amount_and_currency(
        self, line: FecLine, amount: Decimal, currency: str
    ) -> tuple[Decimal, str]:
        if line.currency and line.currency != currency and line.currency_amount:
            self.stats.foreign_currency_lines += 1
            sign = -1 if amount < 0 else 1
            return sign * abs(line.currency_amount), line.currency
        return amount, currency

    def _row(self, line: FecLine, values: dict[str, Any], columns: dict[str, str]) -> Row:
        positions = {name: self.positions[column] for name, column in columns.items()}
        headers = {name: self.header[self.positions[column]] for name, column in columns.items()}
        return Row(line.number, values, line.cells, [], headers, positions)

    def _invoice(
        self,
        line: FecLine,
        kind: DocumentKind,
        amount: Decimal,
        currency: str,
        number: DocumentNumber,
        *,
        entry: EntryKind,
    ) -> Document:
        amount, currency = self._amount_and_currency(line, amount, currency)
        if entry is EntryKind.OPENING:
            self.stats.opening_lines += 1
        columns = {
            "number": "EcritureNum" if number.number and not number.piece else "PieceRef",
            "customer_external_id": line.customer_column,
            "issue_date": "PieceDate" if line.piece_date else "EcritureDate",
            "amount": self.debit_column if kind is DocumentKind.INVOICE else self.credit_column,
            "currency": "Idevise",
        }
        values = {
            "number": number.number or None,
            "customer_external_id": line.customer_id,
            "issue_date": line.piece_date or line.entry_date,
            "amount": amount,
            "currency": currency,
        }
        if self.has_due_dates:
            columns["due_date"] = "EcheanceDate"
            values["due_date"] = line.due_date
        plain = self._row(line, values, columns)
        row = FecInvoiceRow(
            plain.number, plain.values, plain.cells, plain.problems, plain.columns, plain.positions,
            document=number,
            opening=entry is EntryKind.OPENING,
            by_entry_column=self.header[self.positions["EcritureNum"]],
            by_entry_position=self.positions["EcritureNum"],
        )  # fmt: skip
        if not number.number:
            row.problem(
                "number",
                sentence("empty, and no EcritureNum to number the document by")
                if not line.piece_ref
                else sentence(
                    "not a document number, and no EcritureNum to number the document by"
                ),
                line.piece_ref,
            )
        elif len(number.number) > 50:
            row.problem("number", sentence("longer than %(max)s characters", max="50"))
        self._check_customer(row, line)
        return Document(kind, row, line)

    def _payment(
        self, line: FecLine, suffix: str, currency: str, *, refund: bool = False
    ) -> Document:
        amount, currency = self._amount_and_currency(
            line, -line.debit if refund else line.credit, currency
        )
        reference = f"{entry_reference(line)}{suffix}"
        row = self._row(
            line,
            {
                "reference": reference,
                "customer_external_id": line.customer_id,
                "date": line.entry_date,
                "amount": amount,
                "currency": currency,
            },
            {
                "reference": "EcritureNum",
                "customer_external_id": line.customer_column,
                "date": "EcritureDate",
                "amount": self.debit_column if refund else self.credit_column,
                "currency": "Idevise",
            },
        )
        if not line.entry_number:
            row.problem("reference", sentence("empty (required: the entry number)"))
        elif len(reference) > 80:
            row.problem("reference", sentence("longer than %(max)s characters", max="80"))
        self._check_customer(row, line)
        return Document(DocumentKind.PAYMENT, row, line)

    @staticmethod
    def _check_customer(row: Row, line: FecLine) -> None:
        if len(line.customer_id) > 50:
            row.problem(
                "customer_external_id", sentence("longer than %(max)s characters", max="50")
            )

    def customer_row(self, line: FecLine, *, payment_terms_days: int) -> Row:
        """The customer of a line, as a canonical customers row."""
        name_column = "CompAuxLib" if line.customer_column == "CompAuxNum" else "CompteLib"
        columns = {"external_id": line.customer_column, "name": name_column}
        row = self._row(
            line,
            {
                "external_id": line.customer_id,
                "name": line.customer_name[:200],
                "payment_terms_days": payment_terms_days,
            },
            columns,
        )
        if len(line.customer_id) > 50:
            row.problem("external_id", sentence("longer than %(max)s characters", max="50"))
        return row

"""A FEC's lines and entries: a customer line as read, what kind each entry is (sales, bank,
opening balances, other) and what number its documents take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from encaisse.imports.rows import Problem, Row
from encaisse.imports.values import normalized

CUSTOMER_ACCOUNT_PREFIX = "411"
ZERO = Decimal("0.00")

SALES_ACCOUNTS = ("70", "4457")
BANK_ACCOUNTS = ("51", "53")
_SALES_JOURNAL_WORDS = ("vente", "ventes", "sales", "factur", "avoir")
_SALES_JOURNAL_CODES = {"V", "VT", "VE", "VEN", "VTE", "VTES", "FAC", "FA", "AV"}
_BANK_JOURNAL_WORDS = ("banque", "bank", "caisse", "tresorerie", "reglement", "encaissement")
# Opening entries (à-nouveaux, balance initiale) by their journal's code or label; they come
# first, whatever accounts they touch (Tryton's balances a customer against revenue).
_OPENING_JOURNAL_CODES = {"AN", "ANO", "AN0", "ANX", "RAN", "OUV", "OUVERTURE", "ANOUV"}
_OPENING_JOURNAL_WORDS = ("nouveau", "a-nouveau", "ouverture", "initial", "opening")
_BANK_JOURNAL_PREFIXES = ("BQ", "BK", "BAN", "BNP", "CA", "CAI", "CCP", "LCL", "SG", "CIC")


@dataclass(slots=True)
class FecLine:
    """One FEC line on a customer account, read and checked."""

    number: int  # the line in the file (the header is line 1)
    cells: list[str]
    journal: str
    journal_label: str
    entry_number: str
    entry_date: dt.date | None
    account: str
    account_label: str
    customer_id: str  # CompAuxNum, or the account itself without one
    customer_name: str
    customer_column: str  # the column the customer comes from, for messages
    piece_ref: str
    piece_date: dt.date | None
    debit: Decimal
    credit: Decimal
    letter: str
    lettered_on: dt.date | None
    currency_amount: Decimal | None
    currency: str
    problems: list[Problem] = field(default_factory=list)
    due_date: dt.date | None = None


@dataclass
class FecStats:
    lines: int = 0
    customer_lines: int = 0
    other_credit_lines: int = 0  # credit lines on customer accounts outside sales and bank
    opening_lines: int = 0  # lines of opening entries (à-nouveaux) on customer accounts
    zero_lines: int = 0
    foreign_currency_lines: int = 0
    numbered_by_entry: int = 0  # PieceRef names no document: numbered JournalCode-EcritureNum
    placeholder: str | None = None  # the first such PieceRef, to show in the note
    by_entry_example: str = ""
    split_documents: int = 0  # invoices in several lines of one entry (instalments)
    split_parts: int = 0
    split_example: str = ""


class EntryKind(StrEnum):
    SALES = "sales"
    BANK = "bank"
    OPENING = "opening"  # à-nouveaux: the balances brought forward from the year before
    OTHER = "other"


class DocumentNumber(NamedTuple):
    """The number an invoice or credit-note line takes.

    ``number``: what it is imported under; ``by_entry``: the number its entry gives it
    (``JournalCode-EcritureNum``, ``/position`` when the entry has several invoice lines);
    ``piece``: its PieceRef when that names a document (the loader numbers the line by its
    entry instead when another entry already used that PieceRef), else ""; ``entry``: its
    entry, ``JournalCode-EcritureNum``.
    """

    number: str
    by_entry: str
    piece: str
    entry: str


def entry_reference(line: FecLine) -> str:
    """``JournalCode-EcritureNum``, unique in the ledger; "" without an entry number."""
    number = line.entry_number
    if not number:
        return ""
    # BQ000123 names its journal already; a bare 123 is only unique within it.
    prefix = "" if number.upper().startswith(line.journal.upper()) else f"{line.journal}-"
    return f"{prefix}{number}"


def entry_document(line: FecLine) -> str:
    """The number of a document its entry numbers: ``JournalCode-EcritureNum``, with the
    entry's year between them when the number is bare (``REV-2018-1``): ERPs that restart
    their entry numbers every fiscal year (Tryton) would otherwise give the invoices of two
    years one number, and the second year's import would overwrite the first's."""
    reference = entry_reference(line)
    bare = reference != line.entry_number
    if not reference or not bare or line.entry_date is None:
        return reference
    return f"{line.journal}-{line.entry_date.year}-{line.entry_number}"


def names_a_document(piece_ref: str) -> bool:
    """Whether a PieceRef can number a document: not empty, not only punctuation ('-')."""
    return piece_ref[:1].isalnum() or any(char.isalnum() for char in piece_ref)


def entry_kind(hints: set[str], journal: str, label: str) -> EntryKind:
    words = normalized(label).split()
    code = journal.upper()
    if code in _OPENING_JOURNAL_CODES or any(w.startswith(_OPENING_JOURNAL_WORDS) for w in words):
        return EntryKind.OPENING
    if EntryKind.BANK in hints:
        return EntryKind.BANK
    if EntryKind.SALES in hints:
        return EntryKind.SALES
    if code in _SALES_JOURNAL_CODES or any(w.startswith(_SALES_JOURNAL_WORDS) for w in words):
        return EntryKind.SALES
    if code.startswith(_BANK_JOURNAL_PREFIXES) or any(
        w.startswith(_BANK_JOURNAL_WORDS) for w in words
    ):
        return EntryKind.BANK
    return EntryKind.OTHER


NO_NUMBER = DocumentNumber("", "", "", "")


@dataclass
class FecInvoiceRow(Row):
    """The row of an invoice or credit-note line of a FEC, with what its loader needs beyond
    the canonical fields: the numbers the line may take, and whether it is an opening
    balance (kept only where the year before is missing)."""

    document: DocumentNumber = NO_NUMBER
    opening: bool = False
    by_entry_column: str = ""  # the file's header of EcritureNum, for messages
    by_entry_position: int = -1  # its cell

    def number_by_entry(self) -> None:
        """Take the number its entry gives it (another entry already has its PieceRef)."""
        self.values["number"] = self.document.by_entry
        self.columns["number"] = self.by_entry_column
        self.positions["number"] = self.by_entry_position

    @property
    def names_a_document(self) -> bool:
        """Its number is its PieceRef, not its entry's."""
        return bool(self.document.piece) and self.values.get("number") == self.document.piece

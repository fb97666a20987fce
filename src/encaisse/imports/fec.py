"""Reading a FEC (Fichier des Écritures Comptables): accounting lines in, ledger rows out.

Pure: no Django, no database. The FEC is the legal export of a French general ledger
(article A47 A-1 of the Livre des procédures fiscales): 18 columns, tab or ``|`` separated,
dates as YYYYMMDD (some exports write dd/mm/yyyy), amounts with a decimal comma, UTF-8 or
Windows-1252, as Sage, Cegid, EBP or Pennylane write it.

Only the lines on customer accounts (411...) matter for cash collection:

- the auxiliary account (``CompAuxNum``/``CompAuxLib``) is the customer; without one, the
  account itself (``411DUPONT``) is;
- a debit line is an invoice (number ``PieceRef``, issued on ``PieceDate`` or else
  ``EcritureDate``);
- a credit line in a sales entry is a credit note (a negative amount), in a bank entry a
  payment (reference ``JournalCode-EcritureNum``); credit lines of other entries (write-offs,
  transfers, opening balances) are counted and left out;
- ``EcritureLet`` (the lettering code) groups the lines that settle each other.

An entry (its lines share ``JournalCode`` and ``EcritureNum``) is a sales entry when it has a
line on a revenue (70...) or output VAT (4457...) account, a bank entry when it has a line on
a bank or cash account (51..., 53...); without such lines the journal's code and label decide.
Lines of an entry follow each other in every FEC; one entry at a time is kept in memory.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any

from encaisse.core.errors import BadInput
from encaisse.imports.parsers import Problem, Row, _bounded_lines, _check_encoding
from encaisse.imports.values import DateReader, MoneyReader, ValueProblem, normalized

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
CUSTOMER_ACCOUNT_PREFIX = "411"
ZERO = Decimal("0.00")

_SALES_ACCOUNTS = ("70", "4457")
_BANK_ACCOUNTS = ("51", "53")
_SALES_JOURNAL_WORDS = ("vente", "ventes", "sales", "factur", "avoir")
_SALES_JOURNAL_CODES = {"V", "VT", "VE", "VEN", "VTE", "VTES", "FAC", "FA", "AV"}
_BANK_JOURNAL_WORDS = ("banque", "bank", "caisse", "tresorerie", "reglement", "encaissement")
_BANK_JOURNAL_PREFIXES = ("BQ", "BK", "BAN", "BNP", "CA", "CAI", "CCP", "LCL", "SG", "CIC")


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"


class EntryKind(StrEnum):
    SALES = "sales"
    BANK = "bank"
    OTHER = "other"


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


@dataclass(slots=True)
class Document:
    """What a customer line gives the ledger: an invoice, a credit note or a payment."""

    kind: DocumentKind
    row: Row  # the canonical row for the invoice or payment loader
    line: FecLine


@dataclass
class FecStats:
    lines: int = 0
    customer_lines: int = 0
    other_credit_lines: int = 0  # credit lines on customer accounts outside sales and bank
    zero_lines: int = 0
    foreign_currency_lines: int = 0


class FecFile:
    """An opened FEC: its header checked, its customer lines read once, entry by entry."""

    def __init__(self, source: IO[bytes]) -> None:
        source.seek(0)
        head = source.read(64 * 1024)
        source.seek(0)
        if not head.strip():
            raise BadInput("not a FEC file: the file is empty" + ("" if head else " (0 bytes)"))
        if head.startswith(b"%PDF"):
            raise BadInput("not a FEC file: this is a PDF")
        if head.startswith(b"PK\x03\x04"):
            raise BadInput(
                "not a FEC file: this is a ZIP archive or an Excel workbook (a FEC is a text "
                "file, tab or | separated)"
            )
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise BadInput("not a FEC file: this is a binary file")
        encoding, lines = _check_encoding(source, head, None)
        self.detected: dict[str, str] = {
            "format": "FEC",
            "encoding": {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM",
                         "cp1252": "Windows-1252", "utf-16": "UTF-16"}.get(encoding, encoding),
        }  # fmt: skip
        self.estimated_rows = max(lines - 1, 0)
        self._text = io.TextIOWrapper(source, encoding=encoding, newline="")
        self._lines = _bounded_lines(self._text)
        header_line = next(self._lines, "")
        self.separator = _separator(header_line)
        self.detected["separator"] = {"\t": "tab", "|": "pipe", ";": "semicolon"}[self.separator]
        self.header = [_unquote(cell) for cell in header_line.rstrip("\r\n").split(self.separator)]
        self.positions = _fec_positions(self.header)
        self._last_needed = max(self.positions[name] for name in ("CompteNum", "Debit", "Credit"))
        self.stats = FecStats()
        self._money = MoneyReader(None, default=",")
        self._dates = DateReader()

    # -- reading lines -------------------------------------------------------------------

    def _cell(self, cells: list[str], name: str) -> str:
        index = self.positions[name]
        return cells[index].strip() if index < len(cells) else ""

    def _date(self, cells: list[str], name: str, problems: list[Problem], number: int) -> Any:
        text = self._cell(cells, name)
        if not text:
            return None
        try:
            return self._dates(text)
        except ValueProblem as error:
            problems.append(Problem(number, self.header[self.positions[name]], text, str(error)))
            return None

    def _amount(self, cells: list[str], name: str, problems: list[Problem], number: int) -> Any:
        text = self._cell(cells, name)
        if not text:
            return None
        try:
            return self._money(text)
        except ValueProblem as error:
            problems.append(Problem(number, self.header[self.positions[name]], text, str(error)))
            return None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        for number, text in enumerate(self._lines, start=2):
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            yield number, [_unquote(cell) for cell in text.split(self.separator)]

    def _read_line(self, number: int, cells: list[str]) -> FecLine:
        problems: list[Problem] = []
        width = len(self.header)
        # Trailing empty columns are often left out; a value beyond the header is not.
        if any(c.strip() for c in cells[width:]) or len(cells) <= self._last_needed:
            problems.append(
                Problem(
                    number,
                    str(min(len(cells), width)),
                    self.separator.join(cells)[:60],
                    f"{len(cells)} values but the header has {width} columns",
                )
            )
        account = self._cell(cells, "CompteNum")
        aux = self._cell(cells, "CompAuxNum")
        line = FecLine(
            number=number,
            cells=cells,
            journal=self._cell(cells, "JournalCode"),
            journal_label=self._cell(cells, "JournalLib"),
            entry_number=self._cell(cells, "EcritureNum"),
            entry_date=None,
            account=account,
            account_label=self._cell(cells, "CompteLib"),
            customer_id=aux or account,
            customer_name=(self._cell(cells, "CompAuxLib") if aux else "")
            or self._cell(cells, "CompteLib")
            or aux
            or account,
            customer_column="CompAuxNum" if aux else "CompteNum",
            piece_ref=self._cell(cells, "PieceRef"),
            piece_date=None,
            debit=ZERO,
            credit=ZERO,
            letter=self._cell(cells, "EcritureLet"),
            lettered_on=None,
            currency_amount=None,
            currency=self._cell(cells, "Idevise").upper(),
            problems=problems,
        )
        if not account.startswith(CUSTOMER_ACCOUNT_PREFIX) or problems:
            return line
        line.entry_date = self._date(cells, "EcritureDate", problems, number)
        if line.entry_date is None and not self._cell(cells, "EcritureDate"):
            problems.append(Problem(number, "EcritureDate", "", "empty (required)"))
        line.piece_date = self._date(cells, "PieceDate", problems, number)
        line.lettered_on = self._date(cells, "DateLet", problems, number)
        debit = self._amount(cells, "Debit", problems, number) or ZERO
        credit = self._amount(cells, "Credit", problems, number) or ZERO
        # Some exports write a correction as a negative debit (or credit): the other side.
        if debit < 0:
            debit, credit = ZERO, credit - debit
        if credit < 0:
            debit, credit = debit - credit, ZERO
        if debit and credit:
            problems.append(
                Problem(number, "Credit", self._cell(cells, "Credit"), "both a debit and a credit")
            )
        line.debit, line.credit = debit, credit
        line.currency_amount = self._amount(cells, "Montantdevise", problems, number)
        return line

    # -- entries and documents -------------------------------------------------------------

    def entries(self) -> Iterator[tuple[EntryKind, list[FecLine]]]:
        """Each entry's kind and its customer lines (lines with problems included)."""
        current: tuple[str, str] | None = None
        kind_hints: set[str] = set()
        journal = ("", "")
        buffered: list[FecLine] = []
        for number, cells in self._records():
            self.stats.lines += 1
            line = self._read_line(number, cells)
            key = (line.journal, line.entry_number)
            if key != current:
                if buffered:
                    yield _entry_kind(kind_hints, *journal), buffered
                current, kind_hints, buffered = key, set(), []
                journal = (line.journal, line.journal_label)
            if line.account.startswith(_SALES_ACCOUNTS):
                kind_hints.add(EntryKind.SALES)
            elif line.account.startswith(_BANK_ACCOUNTS):
                kind_hints.add(EntryKind.BANK)
            if line.account.startswith(CUSTOMER_ACCOUNT_PREFIX) or line.problems:
                buffered.append(line)
        if buffered:
            yield _entry_kind(kind_hints, *journal), buffered

    def documents(self, *, currency: str) -> Iterator[Document | FecLine]:
        """The documents of the customer lines, in file order; a line that cannot give one
        comes out as the FecLine itself (with its problems, or none when it is left out)."""
        for kind, lines in self.entries():
            payments = [
                line
                for line in lines
                if kind is EntryKind.BANK and line.credit > 0 and not line.problems
            ]
            for line in lines:
                if line.problems or not line.account.startswith(CUSTOMER_ACCOUNT_PREFIX):
                    yield line
                    continue
                self.stats.customer_lines += 1
                if not line.debit and not line.credit:
                    self.stats.zero_lines += 1
                    yield line
                    continue
                if line.debit:
                    yield self._invoice(line, DocumentKind.INVOICE, line.debit, currency)
                elif kind is EntryKind.SALES:
                    yield self._invoice(line, DocumentKind.CREDIT_NOTE, -line.credit, currency)
                elif kind is EntryKind.BANK:
                    suffix = f"-{payments.index(line) + 1}" if len(payments) > 1 else ""
                    yield self._payment(line, suffix, currency)
                else:
                    self.stats.other_credit_lines += 1
                    yield line

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
        self, line: FecLine, kind: DocumentKind, amount: Decimal, currency: str
    ) -> Document:
        amount, currency = self._amount_and_currency(line, amount, currency)
        columns = {
            "number": "PieceRef",
            "customer_external_id": line.customer_column,
            "issue_date": "PieceDate" if line.piece_date else "EcritureDate",
            "amount": "Debit" if kind is DocumentKind.INVOICE else "Credit",
            "currency": "Idevise",
        }
        row = self._row(
            line,
            {
                "number": line.piece_ref or None,
                "customer_external_id": line.customer_id,
                "issue_date": line.piece_date or line.entry_date,
                "amount": amount,
                "currency": currency,
            },
            columns,
        )
        if not line.piece_ref:
            row.problem("number", "empty (required: the invoice or credit note number)")
        elif len(line.piece_ref) > 50:
            row.problem("number", "longer than 50 characters")
        self._check_customer(row, line)
        return Document(kind, row, line)

    def _payment(self, line: FecLine, suffix: str, currency: str) -> Document:
        amount, currency = self._amount_and_currency(line, line.credit, currency)
        number = line.entry_number
        # BQ000123 names its journal already; a bare 123 is only unique within it.
        prefix = "" if number.upper().startswith(line.journal.upper()) else f"{line.journal}-"
        reference = f"{prefix}{number}{suffix}"
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
                "amount": "Credit",
                "currency": "Idevise",
            },
        )
        if not line.entry_number:
            row.problem("reference", "empty (required: the entry number)")
        elif len(reference) > 80:
            row.problem("reference", "longer than 80 characters")
        self._check_customer(row, line)
        return Document(DocumentKind.PAYMENT, row, line)

    @staticmethod
    def _check_customer(row: Row, line: FecLine) -> None:
        if len(line.customer_id) > 50:
            row.problem("customer_external_id", "longer than 50 characters")

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
            row.problem("external_id", "longer than 50 characters")
        return row

    def date_forms(self) -> dict[str, str]:
        forms = sorted(self._dates.forms_seen)
        return {"dates": " and ".join(forms)} if forms else {}


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def _separator(header: str) -> str:
    counts = {separator: header.count(separator) for separator in ("\t", "|", ";")}
    separator = max(counts, key=lambda s: counts[s])
    if counts[separator] < 10:
        shown = header.strip()[:80]
        raise BadInput(
            f"not a FEC file: the first line is not a FEC header of {len(FEC_COLUMNS)} columns "
            f"separated by tabs or | (it reads {shown!r})"
        )
    return separator


def _fec_positions(header: list[str]) -> dict[str, int]:
    keys = {normalized(text).replace(" ", ""): index for index, text in enumerate(header)}
    positions: dict[str, int] = {}
    missing = []
    for name in FEC_COLUMNS:
        index = keys.get(name.lower())
        if index is None:
            missing.append(name)
        else:
            positions[name] = index
    if missing:
        raise BadInput(
            f"not a FEC file: the header has {len(header)} columns and lacks "
            f"{', '.join(missing[:5])}{'...' if len(missing) > 5 else ''} "
            f"(a FEC has {len(FEC_COLUMNS)}: {', '.join(FEC_COLUMNS)})"
        )
    return positions


def _entry_kind(hints: set[str], journal: str, label: str) -> EntryKind:
    if EntryKind.BANK in hints:
        return EntryKind.BANK
    if EntryKind.SALES in hints:
        return EntryKind.SALES
    words = normalized(label).split()
    code = journal.upper()
    if code in _SALES_JOURNAL_CODES or any(w.startswith(_SALES_JOURNAL_WORDS) for w in words):
        return EntryKind.SALES
    if code.startswith(_BANK_JOURNAL_PREFIXES) or any(
        w.startswith(_BANK_JOURNAL_WORDS) for w in words
    ):
        return EntryKind.BANK
    return EntryKind.OTHER

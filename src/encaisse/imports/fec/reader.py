"""Reading a FEC (Fichier des Écritures Comptables): accounting lines in, ledger rows out.

Pure: no database (messages are core.i18n Sentences, translated where they are shown).
The FEC is the legal export of a French general ledger (article A47 A-1 of the Livre des
procédures fiscales): 18 columns, tab or ``|`` separated, dates as YYYYMMDD (some exports
write dd/mm/yyyy), amounts with a decimal comma, UTF-8 or Windows-1252, as Sage, Cegid, EBP
or Pennylane write it.

Only the lines on customer accounts (411...) matter for cash collection:

- the auxiliary account (``CompAuxNum``/``CompAuxLib``) is the customer; without one, the
  account itself (``411DUPONT``) is;
- a debit line is an invoice (number ``PieceRef``, issued on ``PieceDate`` or else
  ``EcritureDate``, due on ``EcheanceDate`` when the file has that column);
- a credit line in a sales entry is a credit note (a negative amount), in a bank entry a
  payment (reference ``JournalCode-EcritureNum``); credit lines of other entries (write-offs,
  transfers) are counted and left out;
- a debit line in a bank entry is a refund: money paid back to the customer (a negative
  payment, lettered with the credit note it pays back);
- the lines of an opening entry (à-nouveaux: journal ``AN``, ``RAN``, ``OUV``..., or a label
  such as "A nouveaux", "Balance initiale") are the balances brought forward, an invoice for
  a debit and a credit note for a credit, marked as such: the year before details them, so
  the loader keeps them only where that year is not in the ledger (see its docstring);
- ``EcritureLet`` (the lettering code) groups the lines that settle each other.

A ``PieceRef`` that names nothing (empty, or punctuation only: Tryton writes ``-`` for every
entry without an origin document) gives way to the entry, ``JournalCode-EcritureNum`` (with
the entry's year, ``REV-2018-1``, when the number is bare: it may restart every year), as the
document number; so does one an earlier entry already numbers its document with (the loader
sees that, the file is read one entry at a time). Several invoice lines of one entry with
the same number (an invoice due in instalments) are parts numbered ``/1``, ``/2``... in line
order, each with its own amount and due date; the same file gives the same numbers again.
Amounts are ``Debit`` and ``Credit``, or ``Montant`` and ``Sens`` (``D``/``C`` or ``+1``/``-1``),
the variant article A47 A-1 allows.

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
from typing import IO, Any, NamedTuple

from encaisse.core.encodings import detect_encoding, encoding_label
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, text_of
from encaisse.core.money import UnknownCurrency, currency_code
from encaisse.imports.parsers import Problem, Row, _bounded_lines
from encaisse.imports.values import DateReader, MoneyReader, ValueProblem, normalized

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
# The variant of the law: one amount and its direction instead of Debit and Credit.
AMOUNT_BY_SENSE = ("Montant", "Sens")
OPTIONAL_COLUMNS = ("EcheanceDate",)
CUSTOMER_ACCOUNT_PREFIX = "411"
ZERO = Decimal("0.00")

_SALES_ACCOUNTS = ("70", "4457")
_BANK_ACCOUNTS = ("51", "53")
_SALES_JOURNAL_WORDS = ("vente", "ventes", "sales", "factur", "avoir")
_SALES_JOURNAL_CODES = {"V", "VT", "VE", "VEN", "VTE", "VTES", "FAC", "FA", "AV"}
_BANK_JOURNAL_WORDS = ("banque", "bank", "caisse", "tresorerie", "reglement", "encaissement")
# Opening entries (à-nouveaux, balance initiale) by their journal's code or label; they come
# first, whatever accounts they touch (Tryton's balances a customer against revenue).
_OPENING_JOURNAL_CODES = {"AN", "ANO", "AN0", "ANX", "RAN", "OUV", "OUVERTURE", "ANOUV"}
_OPENING_JOURNAL_WORDS = ("nouveau", "a-nouveau", "ouverture", "initial", "opening")
_BANK_JOURNAL_PREFIXES = ("BQ", "BK", "BAN", "BNP", "CA", "CAI", "CCP", "LCL", "SG", "CIC")
_DEBIT_SENSES = frozenset({"D", "+1", "1", "+", "DEBIT", "DÉBIT"})
_CREDIT_SENSES = frozenset({"C", "-1", "-", "CREDIT", "CRÉDIT"})


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"


class EntryKind(StrEnum):
    SALES = "sales"
    BANK = "bank"
    OPENING = "opening"  # à-nouveaux: the balances brought forward from the year before
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
    due_date: dt.date | None = None


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
    opening_lines: int = 0  # lines of opening entries (à-nouveaux) on customer accounts
    zero_lines: int = 0
    foreign_currency_lines: int = 0
    numbered_by_entry: int = 0  # PieceRef names no document: numbered JournalCode-EcritureNum
    placeholder: str | None = None  # the first such PieceRef, to show in the note
    by_entry_example: str = ""
    split_documents: int = 0  # invoices in several lines of one entry (instalments)
    split_parts: int = 0
    split_example: str = ""


class FecFile:
    """An opened FEC: its header checked, its customer lines read once, entry by entry."""

    def __init__(self, source: IO[bytes]) -> None:
        source.seek(0)
        head = source.read(64 * 1024)
        source.seek(0)
        if not head.strip():
            raise BadInput(
                sentence("not a FEC file: the file is empty")
                if head
                else sentence("not a FEC file: the file is empty (0 bytes)")
            )
        if head.startswith(b"%PDF"):
            raise BadInput(sentence("not a FEC file: this is a PDF"))
        if head.startswith(b"PK\x03\x04"):
            raise BadInput(
                sentence(
                    "not a FEC file: this is a ZIP archive or an Excel workbook (a FEC is a "
                    "text file, tab or | separated)"
                )
            )
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise BadInput(sentence("not a FEC file: this is a binary file"))
        encoding, lines = detect_encoding(source, head)
        self.detected: dict[str, str] = {"format": "FEC", "encoding": encoding_label(encoding)}
        self.estimated_rows = max(lines - 1, 0)
        self._text = io.TextIOWrapper(source, encoding=encoding, newline="")
        self._lines = _bounded_lines(self._text)
        header_line = next(self._lines, "")
        self.separator = _separator(header_line)
        self.detected["separator"] = {"\t": "tab", "|": "pipe", ";": "semicolon"}[self.separator]
        self.header = [_unquote(cell) for cell in header_line.rstrip("\r\n").split(self.separator)]
        self.positions = _fec_positions(self.header)
        # Montant and Sens: the variant the law allows instead of Debit and Credit.
        self.by_sense = "Debit" not in self.positions
        self.debit_column, self.credit_column = (
            ("Montant", "Montant") if self.by_sense else ("Debit", "Credit")
        )
        if self.by_sense:
            self.detected["amounts"] = "Montant and Sens"
        self.has_due_dates = "EcheanceDate" in self.positions
        amount_columns = AMOUNT_BY_SENSE if self.by_sense else ("Debit", "Credit")
        self._last_needed = max(self.positions[name] for name in ("CompteNum", *amount_columns))
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
            problems.append(
                Problem(number, self.header[self.positions[name]], text, text_of(error))
            )
            return None

    def _amount(self, cells: list[str], name: str, problems: list[Problem], number: int) -> Any:
        text = self._cell(cells, name)
        if not text:
            return None
        try:
            return self._money(text)
        except ValueProblem as error:
            problems.append(
                Problem(number, self.header[self.positions[name]], text, text_of(error))
            )
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
                    sentence(
                        "%(values)s values but the header has %(columns)s columns",
                        values=len(cells),
                        columns=width,
                    ),
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
            problems.append(Problem(number, "EcritureDate", "", sentence("empty (required)")))
        line.piece_date = self._date(cells, "PieceDate", problems, number)
        line.lettered_on = self._date(cells, "DateLet", problems, number)
        if self.has_due_dates:
            line.due_date = self._date(cells, "EcheanceDate", problems, number)
        if self.by_sense:
            debit, credit = self._amount_by_sense(cells, problems, number)
        else:
            debit = self._amount(cells, "Debit", problems, number) or ZERO
            credit = self._amount(cells, "Credit", problems, number) or ZERO
        # Some exports write a correction as a negative debit (or credit): the other side.
        if debit < 0:
            debit, credit = ZERO, credit - debit
        if credit < 0:
            debit, credit = debit - credit, ZERO
        if debit and credit:
            problems.append(
                Problem(
                    number,
                    "Credit",
                    self._cell(cells, "Credit"),
                    sentence("both a debit and a credit"),
                )
            )
        line.debit, line.credit = debit, credit
        line.currency_amount = self._amount(cells, "Montantdevise", problems, number)
        if line.currency_amount is not None and line.currency:  # the currency is used
            try:
                line.currency = currency_code(line.currency)
            except UnknownCurrency as error:
                problems.append(Problem(number, "Idevise", line.currency, str(error)))
        return line

    def _amount_by_sense(
        self, cells: list[str], problems: list[Problem], number: int
    ) -> tuple[Decimal, Decimal]:
        """(debit, credit) of a line written as Montant and Sens."""
        amount = self._amount(cells, "Montant", problems, number)
        sense = self._cell(cells, "Sens")
        if amount is None or (not amount and not sense):
            return ZERO, ZERO
        if sense.upper() in _DEBIT_SENSES:
            return amount, ZERO
        if sense.upper() in _CREDIT_SENSES:
            return ZERO, amount
        reason = (
            sentence("D or C expected (or +1 or -1)")
            if sense
            else sentence("empty (required: D or C)")
        )
        problems.append(Problem(number, self.header[self.positions["Sens"]], sense, reason))
        return ZERO, ZERO

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
        entry = _entry_document(invoice_lines[0])
        if len(invoice_lines) == 1:  # most entries: one invoice, one customer line
            line = invoice_lines[0]
            if _names_a_document(line.piece_ref):
                return {line.number: DocumentNumber(line.piece_ref, entry, line.piece_ref, entry)}
        several = len(invoice_lines) > 1
        by_entry = {
            line.number: (f"{entry}/{position}" if several else entry) if entry else ""
            for position, line in enumerate(invoice_lines, start=1)
        }
        groups: dict[str, list[FecLine]] = {}
        for line in invoice_lines:
            piece = line.piece_ref if _names_a_document(line.piece_ref) else ""
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
            # For the loader: the PieceRef and what replaces it when another entry has it.
            "_piece": number.piece,
            "_entry": number.entry,
            "_by_entry": number.by_entry,
            # An opening balance: the loader keeps it only where the year before is missing.
            "_opening": entry is EntryKind.OPENING,
        }
        if number.by_entry:
            columns["_by_entry"] = "EcritureNum"  # where a number by entry comes from
        if self.has_due_dates:
            columns["due_date"] = "EcheanceDate"
            values["due_date"] = line.due_date
        row = self._row(line, values, columns)
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
        reference = f"{_entry_reference(line)}{suffix}"
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

    def date_forms(self) -> dict[str, str]:
        forms = sorted(self._dates.forms_seen)
        return {"dates": " and ".join(forms)} if forms else {}


def _entry_reference(line: FecLine) -> str:
    """``JournalCode-EcritureNum``, unique in the ledger; "" without an entry number."""
    number = line.entry_number
    if not number:
        return ""
    # BQ000123 names its journal already; a bare 123 is only unique within it.
    prefix = "" if number.upper().startswith(line.journal.upper()) else f"{line.journal}-"
    return f"{prefix}{number}"


def _entry_document(line: FecLine) -> str:
    """The number of a document its entry numbers: ``JournalCode-EcritureNum``, with the
    entry's year between them when the number is bare (``REV-2018-1``): ERPs that restart
    their entry numbers every fiscal year (Tryton) would otherwise give the invoices of two
    years one number, and the second year's import would overwrite the first's."""
    reference = _entry_reference(line)
    bare = reference != line.entry_number
    if not reference or not bare or line.entry_date is None:
        return reference
    return f"{line.journal}-{line.entry_date.year}-{line.entry_number}"


def _names_a_document(piece_ref: str) -> bool:
    """Whether a PieceRef can number a document: not empty, not only punctuation ('-')."""
    return piece_ref[:1].isalnum() or any(char.isalnum() for char in piece_ref)


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
            sentence(
                "not a FEC file: the first line is not a FEC header of %(count)s columns "
                "separated by tabs or | (it reads %(line)s)",
                count=len(FEC_COLUMNS),
                line=repr(shown),
            )
        )
    return separator


def _fec_positions(header: list[str]) -> dict[str, int]:
    """Where each FEC column is; Montant and Sens stand for Debit and Credit when the file
    has them instead, EcheanceDate is read when there."""
    keys = {normalized(text).replace(" ", ""): index for index, text in enumerate(header)}
    positions = {
        name: keys[name.lower()]
        for name in (*FEC_COLUMNS, *AMOUNT_BY_SENSE, *OPTIONAL_COLUMNS)
        if name.lower() in keys
    }
    by_sense = all(name in positions for name in AMOUNT_BY_SENSE) and not (
        "Debit" in positions and "Credit" in positions
    )
    if by_sense:
        positions.pop("Debit", None)
        positions.pop("Credit", None)
    missing = [
        name
        for name in FEC_COLUMNS
        if name not in positions and not (by_sense and name in ("Debit", "Credit"))
    ]
    if missing:
        raise BadInput(
            sentence(
                "not a FEC file: the header has %(count)s columns and lacks %(missing)s (a FEC "
                "has %(expected)s: %(columns)s)",
                count=len(header),
                missing=", ".join(missing[:5]) + ("..." if len(missing) > 5 else ""),
                expected=len(FEC_COLUMNS),
                columns=", ".join(FEC_COLUMNS),
            )
        )
    return positions


def _entry_kind(hints: set[str], journal: str, label: str) -> EntryKind:
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

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

The columns are described in ``fec.columns``, lines and entries in ``fec.entries``, and what
the customer lines become in ``fec.documents``; this module reads the file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from encaisse.core.encodings import detect_encoding, encoding_label
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence, text_of
from encaisse.core.money import UnknownCurrency, currency_code
from encaisse.imports.fec.columns import (
    AMOUNT_BY_SENSE,
    CREDIT_SENSES,
    DEBIT_SENSES,
    fec_positions,
    separator_of,
    unquote,
)
from encaisse.imports.fec.documents import FecDocuments
from encaisse.imports.fec.entries import (
    BANK_ACCOUNTS,
    CUSTOMER_ACCOUNT_PREFIX,
    SALES_ACCOUNTS,
    ZERO,
    EntryKind,
    FecLine,
    FecStats,
    entry_kind,
)
from encaisse.imports.rows import Problem
from encaisse.imports.text_files import bounded_lines
from encaisse.imports.values import DateReader, MoneyReader, ValueProblem


class FecFile(FecDocuments):
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
        self._lines = bounded_lines(self._text)
        header_line = next(self._lines, "")
        self.separator = separator_of(header_line)
        self.detected["separator"] = {"\t": "tab", "|": "pipe", ";": "semicolon"}[self.separator]
        self.header = [unquote(cell) for cell in header_line.rstrip("\r\n").split(self.separator)]
        self.positions = fec_positions(self.header)
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
            yield number, [unquote(cell) for cell in text.split(self.separator)]

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
        if sense.upper() in DEBIT_SENSES:
            return amount, ZERO
        if sense.upper() in CREDIT_SENSES:
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
                    yield entry_kind(kind_hints, *journal), buffered
                current, kind_hints, buffered = key, set(), []
                journal = (line.journal, line.journal_label)
            if line.account.startswith(SALES_ACCOUNTS):
                kind_hints.add(EntryKind.SALES)
            elif line.account.startswith(BANK_ACCOUNTS):
                kind_hints.add(EntryKind.BANK)
            if line.account.startswith(CUSTOMER_ACCOUNT_PREFIX) or line.problems:
                buffered.append(line)
        if buffered:
            yield entry_kind(kind_hints, *journal), buffered

    def date_forms(self) -> dict[str, str]:
        forms = sorted(self._dates.forms_seen)
        return {"dates": " and ".join(forms)} if forms else {}

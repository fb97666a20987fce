"""Bank statement files read into plain dataclasses (no database; messages are core.i18n
Sentences, translated where they are shown).

``read_statement_file(data)`` tells camt.053, MT940 and OFX apart by their content (not by
the file name), reads every entry and returns a ``StatementFile``: the statements with
their lines, and a ``Problem`` per entry that cannot be read (``row`` is the entry's
number in the file). A file that is not a statement at all raises ``BadInput`` with one
line saying why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence
from encaisse.imports.rows import Problem

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class StatementLine:
    """One movement. ``amount`` is signed: positive for a credit (money in)."""

    entry: int
    booking_date: dt.date
    amount: Decimal
    currency: str
    value_date: dt.date | None = None
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance_info: str = ""
    additional_info: str = ""
    bank_reference: str = ""
    end_to_end_id: str = ""
    transaction_code: str = ""
    # A reference the bank guarantees unique in the account (camt AcctSvcrRef, OFX FITID,
    # MT940 bank reference); empty when there is none, then the content makes the key.
    unique_reference: str = ""
    # A reversal (MT940 RC or RD): the bank taking back a credit (negative amount) or giving
    # back a debit (positive), not a new payment.
    is_reversal: bool = False
    # A returned payment's ISO reason code (camt RtrInf/Rsn/Cd: AC04, AM04, MD06...).
    return_reason: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass
class Statement:
    account: str  # the IBAN (compact) when the file gives one, else the bank's account number
    iban: str
    currency: str
    identifier: str
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    lines: list[StatementLine] = field(default_factory=list)


@dataclass
class StatementFile:
    format: str
    statements: list[Statement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # core.i18n: translated when read
    entries: int = 0  # entries read, good or bad

    @property
    def bad_entries(self) -> int:
        return len({problem.row for problem in self.problems})


def line_keys(lines: list[StatementLine]) -> list[str]:
    """A key per line, the same whenever the same statement is read again.

    The bank's unique reference when it gives one; otherwise the line's content plus how
    many identical lines came before it in the statement (two equal transfers on one day
    stay two lines).
    """
    seen: dict[str, int] = {}
    keys = []
    for line in lines:
        if line.unique_reference:
            # With the date and amount: a bank that reuses a reference loses no line.
            text = f"ref|{line.unique_reference}|{line.booking_date}|{line.amount}"
        else:
            text = "|".join(
                [
                    "content",
                    line.booking_date.isoformat(),
                    str(line.amount),
                    line.currency,
                    line.counterparty_name,
                    line.counterparty_iban,
                    line.remittance_info,
                    line.additional_info,
                    line.bank_reference,
                    line.end_to_end_id,
                ]
            )
            seen[text] = seen.get(text, 0) + 1
            text = f"{text}|{seen[text]}"
        keys.append(hashlib.sha256(text.encode()).hexdigest())
    return keys


_XML_START = re.compile(rb"^\s*<")
_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.\d{3}\.\d{2}")
_MT940_TAG = re.compile(rb"^:(20|25|28C|60F|61):", re.MULTILINE)


def detect_format(data: bytes) -> str:
    """'camt', 'mt940' or 'ofx', from the first bytes of the content; BadInput otherwise."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if not head:
        raise BadInput(sentence("the file is empty"))
    if head.startswith(b"%PDF"):
        raise BadInput(
            sentence(
                "a PDF is not a statement this import reads: download it from the bank as "
                "camt.053 (XML), MT940 or OFX"
            )
        )
    if head.startswith(b"PK\x03\x04"):
        raise BadInput(sentence("a ZIP archive: unzip it and import the statement files it holds"))
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        return "ofx"
    if _XML_START.match(head):
        namespace = _CAMT_NAMESPACE.search(data[:65536])
        if namespace and namespace.group(1) != b"camt.053":
            kind = namespace.group(1).decode()
            raise BadInput(
                sentence(
                    "a %(kind)s message is not an end-of-day statement: export the camt.053 "
                    "statement from the bank",
                    kind=kind,
                )
            )
        return "camt"
    if _looks_binary(head):
        raise BadInput(
            sentence(
                "a binary file, not a bank statement (camt.053 XML, MT940 or OFX text expected)"
            )
        )
    if len(_MT940_TAG.findall(data[:65536])) >= 2:
        return "mt940"
    first = head.splitlines()[0][:60].decode("utf-8", errors="replace")
    raise BadInput(
        sentence(
            "not a bank statement this import reads (camt.053 XML, MT940 or OFX): the file "
            "starts with %(start)s",
            start=repr(first),
        )
    )


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 or byte == 127)
    return b"\x00" in head or controls > len(head) // 20


def too_large() -> Text:
    return sentence("the file is over %(size)s MiB", size=MAX_FILE_BYTES // (1024 * 1024))


def read_statement_file(data: bytes) -> StatementFile:
    """Read a camt.053, MT940 or OFX file (detected from its content)."""
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(too_large())
    kind = detect_format(data)
    if kind == "camt":
        from encaisse.banking.parsers.camt import read_camt

        return read_camt(data)
    if kind == "mt940":
        from encaisse.banking.parsers.swift import read_mt940

        return read_mt940(data)
    from encaisse.banking.parsers.ofx import read_ofx

    return read_ofx(data)

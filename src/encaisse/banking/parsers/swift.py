"""MT940 (SWIFT customer statement), read with the mt-940 library.

The library reads a ``:61:`` line it cannot match by stopping at the first character it does
not expect (``C12x4,56`` becomes 12.00 and the rest lands in the next line), and refuses the
whole file over one line it does not know. So ``:61:`` is read here, by ``_Statement``
handed to the library: a line that cannot be read at all becomes a problem naming its entry
(the other entries are still read, for ``--partial``), and what banks write outside the SWIFT
layout but is still clear becomes a note: a transaction type outside the list, an amount
without its decimal comma, 30 February, a long customer reference. Reversals (``RC``, ``RD``)
are signed by what they do to the account and flagged on the line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any, ClassVar

import mt940

from encaisse.banking.parsers import Statement, StatementFile, StatementLine
from encaisse.banking.parsers.wording import (
    NO_REFERENCE,
    clean_reference,
    compact_iban,
    find_iban,
    read_wording,
    strip_transfer_prefix,
)
from encaisse.core.encodings import decode_text
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence, sentence_plural
from encaisse.imports.rows import Problem

# :61: as banks write it. SWIFT: 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][34x]. Read also: an
# entry date of four blanks, a line break before the amount, an amount without its comma,
# any four-character type, a customer reference over 16 characters, longer details.
_STATEMENT_LINE = r"""^
    (?P<year>\d{2})(?P<month>\d{2})(?P<day>\d{2})  # value date YYMMDD
    (?:(?P<entry_month>\d{2})(?P<entry_day>\d{2})|[ ]{4})?  # entry date MMDD
    (?P<status>R?[CD])  # C, D; RC, RD: the reversal of a credit, of a debit
    (?P<funds_code>[A-Z])?  # third letter of the currency, when the bank gives it
    [\n ]?
    (?P<amount>\d[\d,]*)
    (?P<id>[A-Z][A-Z0-9 ]{3})  # transaction type: NTRF, NMSC, FCHK, S103...
    (?P<customer_reference>(?:(?!//)[^\n])*)
    (?://(?P<bank_reference>[^\n]*))?
    (?:\n(?P<extra_details>[\s\S]*))?
    \Z"""
_SWIFT_TYPE = re.compile(r"[NFS][A-Z0-9]{3}")
_AMOUNT = re.compile(r"(?P<units>\d+)(?:,(?P<cents>\d*))?")
_MAX_UNITS = 12  # digits before the comma a BankLine stores
_BAD = "encaisse_unreadable"
_ENTRY = "encaisse_entry"

# What is unusual but readable, said once each in a note (in this order).
_UNUSUAL = ("reversal", "type", "amount", "february", "reference")


def _unusual_text(kind: str, count: int) -> Text:
    if kind == "reversal":
        return sentence_plural(
            "reversal (RC: a credit taken back, money out; RD: a debit given back, money in) "
            "read with that sign and marked as reversals",
            "reversals (RC: a credit taken back, money out; RD: a debit given back, money in) "
            "read with that sign and marked as reversals",
            count,
        )
    if kind == "type":
        return sentence(
            "transaction type outside the SWIFT codes (N, F or S and three characters) read as "
            "written"
        )
    if kind == "amount":
        return sentence("amount without a decimal comma read as whole units")
    if kind == "february":
        return sentence(
            "a day past the end of February (a bank's month-end date) read as its last day"
        )
    return sentence("customer reference longer than SWIFT's 16 characters kept whole")


class _Statement(mt940.tags.Statement):
    """The ``:61:`` tag for one file: counts the entries, keeps their problems and notes.

    Named so that the library's slug stays ``statement`` (its processors for :61: run).
    """

    pattern: ClassVar[str] = _STATEMENT_LINE
    RE_FLAGS: ClassVar[re.RegexFlag] = re.IGNORECASE | re.VERBOSE | re.UNICODE

    def __init__(self) -> None:
        super().__init__()
        self.entries = 0
        self.problems: list[Problem] = []
        self.unusual: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def parse(self, transactions: mt940.models.Transactions, value: str) -> dict[str, Any]:
        del transactions
        self.entries += 1
        entry = self.entries
        # An unreadable line still opens its transaction (a true ``id``), so that its
        # :86: is not merged into the line before; it is left out afterwards.
        bad = {_BAD: True, _ENTRY: entry, "id": "?"}
        match = self.re.match(value.replace("\r", ""))
        if match is None:
            self._problem(
                entry,
                value.split("\n", 1)[0][:60],
                sentence(
                    "not a statement line (date YYMMDD, optional entry date MMDD, C, D, RC or "
                    "RD, amount such as 1200,00, transaction type such as NTRF)"
                ),
            )
            return bad
        fields: dict[str, Any] = match.groupdict()
        value_date = self._date(entry, fields, 2000 + int(fields["year"]), "")
        if value_date is None:
            return bad
        if fields["entry_month"] and not self._date(entry, fields, value_date.year, "entry_"):
            return bad
        if not self._amount(entry, fields["amount"]):
            return bad
        fields["status"] = fields["status"].upper()
        if fields["status"].startswith("R"):
            self.unusual["reversal"].append((entry, ""))
        kind = fields["id"].strip()
        if not _SWIFT_TYPE.fullmatch(fields["id"]):
            self.unusual["type"].append((entry, kind))
        fields["id"] = kind
        if len(fields["customer_reference"].strip()) > 16:
            self.unusual["reference"].append((entry, ""))
        fields[_ENTRY] = entry
        return fields

    def __call__(
        self, transactions: mt940.models.Transactions, value: dict[str, Any]
    ) -> dict[str, object]:
        if value.get(_BAD):
            return dict(value)
        return super().__call__(transactions, value)

    def _problem(self, entry: int, value: str, reason: Text) -> None:
        self.problems.append(Problem(row=entry, column=":61:", value=value, reason=reason))

    def _date(self, entry: int, fields: dict[str, Any], year: int, prefix: str) -> dt.date | None:
        """The value date (``prefix`` "") or the entry date ("entry_") in that year, 30
        February read as the month's last day; None, and a problem, when there is none."""
        month, day = int(fields[f"{prefix}month"]), int(fields[f"{prefix}day"])
        last_of_february = calendar.monthrange(year, 2)[1]
        if month == 2 and last_of_february < day <= 31:
            self.unusual["february"].append((entry, ""))
            day = last_of_february
            fields[f"{prefix}day"] = f"{day:02d}"  # what the library builds its date from
        try:
            return dt.date(year, month, day)
        except ValueError:
            if prefix:
                written = fields["entry_month"] + fields["entry_day"]
                self._problem(entry, written, sentence("not a date (entry date MMDD)"))
            else:
                written = fields["year"] + fields["month"] + fields["day"]
                self._problem(entry, written, sentence("not a date (YYMMDD)"))
            return None

    def _amount(self, entry: int, text: str) -> bool:
        match = _AMOUNT.fullmatch(text)
        if match is None:
            self._problem(entry, text, sentence("not an amount (digits with one decimal comma)"))
            return False
        if len(match["cents"] or "") > 2:
            self._problem(entry, text, sentence("more than two decimals"))
            return False
        if len(match["units"].lstrip("0")) > _MAX_UNITS:
            self._problem(
                entry,
                text,
                sentence("more than %(digits)s digits before the comma", digits=str(_MAX_UNITS)),
            )
            return False
        if match["cents"] is None:
            self.unusual["amount"].append((entry, text))
        return True

    def notes(self) -> list[Text]:
        notes: list[Text] = []
        for kind in _UNUSUAL:
            found = self.unusual.get(kind)
            if not found:
                continue
            where = _entries_text([entry for entry, _shown in found])
            shown = sorted({shown for _entry, shown in found if shown})
            if shown:
                where = sentence(
                    "%(entries)s (%(values)s)",
                    entries=where,
                    values=", ".join(repr(value) for value in shown[:5]),
                )
            notes.append(
                sentence("%(what)s: %(where)s", what=_unusual_text(kind, len(found)), where=where)
            )
        return notes


def _entries_text(entries: list[int]) -> Text:
    if len(entries) == 1:
        return sentence("entry %(entry)s", entry=str(entries[0]))
    listed = ", ".join(str(entry) for entry in entries[:10])
    if len(entries) > 10:
        return sentence(
            "entries %(entries)s, … (%(count)s in all)", entries=listed, count=len(entries)
        )
    return sentence("entries %(entries)s", entries=listed)


def read_mt940(data: bytes) -> StatementFile:
    text = _decode(data)
    result = StatementFile(format="MT940")
    options = mt940.Options(
        strip_bom=True,
        reversal_sign=True,
        case_insensitive_marks=True,
        unbounded_details=True,
        merge_keeps_values=True,
        applicant_iban=True,
    )
    statement_line = _Statement()
    try:
        blocks = mt940.parse_statements(
            text,
            tags={61: statement_line},
            # Its February fix-up is _Statement's, which also knows an unreadable line.
            processors={"pre_statement": []},
            options=options,
        )
    except RuntimeError as error:
        raise BadInput(_unreadable_tag(error, text)) from None
    except (ValueError, KeyError) as error:
        raise BadInput(
            sentence("MT940: %(error)s", error=str(error.args[0]) if error.args else repr(error))
        ) from None
    result.entries = statement_line.entries
    result.problems = statement_line.problems
    result.notes = statement_line.notes()
    for block in blocks:
        account = str(block.data.get("account_identification") or "").strip()
        if not account and not len(block):
            continue
        if not account:
            raise BadInput(sentence("MT940: a statement without its account (:25:)"))
        iban = compact_iban(account.split("/")[-1]) or find_iban(account)
        opening = block.data.get("final_opening_balance") or block.data.get(
            "intermediate_opening_balance"
        )
        closing = block.data.get("final_closing_balance") or block.data.get(
            "intermediate_closing_balance"
        )
        currency = str(getattr(getattr(opening, "amount", None), "currency", "") or "EUR")
        reference = str(block.data.get("transaction_reference") or "").strip()
        number = str(block.data.get("statement_number") or "").strip()
        statement = Statement(
            account=iban or account,
            iban=iban,
            currency=currency.upper(),
            identifier=" ".join(part for part in (reference, number) if part) or "MT940",
            from_date=_as_date(getattr(opening, "date", None)),
            to_date=_as_date(getattr(closing, "date", None)),
        )
        for transaction in block:
            if transaction.data.get(_BAD) or _ENTRY not in transaction.data:
                continue
            statement.lines.append(_line(transaction.data, statement.currency))
        result.statements.append(statement)
    if not result.statements:
        raise BadInput(sentence("MT940: no statement in the file (:20:, :25: and :61: expected)"))
    return result


def _decode(data: bytes) -> str:
    return decode_text(data).replace("\r\n", "\n").replace("\r", "\n")


def _unreadable_tag(error: RuntimeError, text: str) -> Text:
    """One line naming the tag the library could not read, where it is and what it holds."""
    if len(error.args) < 3 or not isinstance(error.args[2], str):
        return sentence("MT940: %(error)s", error=str(error.args[0]) if error.args else repr(error))
    tag, value = error.args[1], error.args[2]
    first = value.split("\n", 1)[0]
    position = text.find(first)
    values = {"tag": f":{getattr(tag, 'id', '?')}:", "value": repr(first[:60])}
    if position >= 0:
        line = str(text.count(chr(10), 0, position) + 1)
        return sentence(
            "MT940: line %(line)s, %(tag)s cannot be read: %(value)s", line=line, **values
        )
    return sentence("MT940: %(tag)s cannot be read: %(value)s", **values)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return None


def _line(data: dict[str, object], currency: str) -> StatementLine:
    amount_object = data.get("amount")
    amount = Decimal(str(getattr(amount_object, "amount", "0")))
    currency = str(getattr(amount_object, "currency", "") or currency).upper()
    details = str(data.get("transaction_details") or "")
    extra = str(data.get("extra_details") or "")
    wording = read_wording(details)
    bank_reference = str(data.get("bank_reference") or "").strip()
    customer_reference = str(data.get("customer_reference") or "").strip()
    if customer_reference.upper() in NO_REFERENCE:
        customer_reference = ""
    booking = _as_date(data.get("entry_date")) or _as_date(data.get("date"))
    assert booking is not None  # noqa: S101 (_Statement checked the date)
    name = wording.name or str(data.get("applicant_name") or "")
    if not name and not wording.remittance:
        name = strip_transfer_prefix(details.split("\n", 1)[0])
    iban = wording.iban or compact_iban(str(data.get("applicant_iban") or "")) or find_iban(details)
    return StatementLine(
        entry=int(str(data[_ENTRY])),
        booking_date=booking,
        value_date=_as_date(data.get("date")),
        amount=amount,
        currency=currency,
        counterparty_name=" ".join(name.split())[:200],
        counterparty_iban=iban,
        remittance_info=wording.remittance or (details if not wording.name else ""),
        # Line breaks kept: a bank that wraps :86: at 65 characters may cut an invoice
        # number in two, and matching reads the text joined again too.
        additional_info="\n".join(
            " ".join(part.split()) for part in f"{details}\n{extra}".splitlines() if part.strip()
        ),
        bank_reference=(bank_reference or customer_reference)[:80],
        end_to_end_id=wording.reference or clean_reference(customer_reference),
        transaction_code=str(data.get("id") or "")[:40],
        unique_reference=bank_reference if bank_reference.upper() not in NO_REFERENCE else "",
        is_reversal=str(data.get("status") or "").upper().startswith("R"),
    )

"""MT940 (SWIFT customer statement), read with the mt-940 library.

mt-940 reads a ``:61:`` line it cannot match by stopping at the first character it does not
expect (``C12x4,56`` becomes 12.00 and the rest lands in the next line), so every ``:61:``
is checked against the SWIFT layout first, and a file with a bad one is reported entry by
entry instead of being read wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

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
from encaisse.core.errors import BadInput
from encaisse.imports.parsers import Problem

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):", re.MULTILINE)
# :61: value date, optional entry date, mark, optional funds code, amount, type, references.
_STATEMENT_LINE = re.compile(
    r"(?P<date>\d{6})(?P<entry>\d{4})?(?P<mark>R?[CD])(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,12},\d{0,2})(?P<type>[NFS][A-Z0-9]{3})(?P<rest>.*)",
    re.DOTALL,
)


def read_mt940(data: bytes) -> StatementFile:
    text = _decode(data)
    result = StatementFile(format="MT940")
    result.problems = _check_statement_lines(text)
    result.entries = len(_tag_values(text, "61"))
    if result.problems:
        return result
    options = mt940.Options(
        strip_bom=True,
        reversal_sign=True,
        case_insensitive_marks=True,
        unbounded_details=True,
        merge_keeps_values=True,
        applicant_iban=True,
    )
    try:
        blocks = mt940.parse_statements(text, options=options)
    except (RuntimeError, ValueError, KeyError) as error:
        raise BadInput(f"MT940: {error.args[0] if error.args else error!r}") from None
    entry = 0
    for block in blocks:
        account = str(block.data.get("account_identification") or "").strip()
        if not account and not len(block):
            continue
        if not account:
            raise BadInput("MT940: a statement without its account (:25:)")
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
            entry += 1
            statement.lines.append(_line(transaction.data, entry, statement.currency))
        result.statements.append(statement)
    if not result.statements:
        raise BadInput("MT940: no statement in the file (:20:, :25: and :61: expected)")
    return result


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _tag_values(text: str, wanted: str) -> list[str]:
    matches = list(_TAG.finditer(text))
    values = []
    for index, match in enumerate(matches):
        if match.group("tag") != wanted:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        values.append(text[match.end() : end].strip())
    return values


def _check_statement_lines(text: str) -> list[Problem]:
    problems = []
    for number, value in enumerate(_tag_values(text, "61"), start=1):
        first_line = value.split("\n", 1)[0]
        match = _STATEMENT_LINE.match(first_line)
        if match is None:
            problems.append(
                Problem(
                    row=number,
                    column=":61:",
                    value=first_line[:60],
                    reason="not a statement line (date YYMMDD, optional entry date MMDD, C or "
                    "D, amount with a decimal comma, transaction type such as NTRF)",
                )
            )
            continue
        try:
            dt.datetime.strptime(match["date"], "%y%m%d")  # noqa: DTZ007 (a date, no time)
        except ValueError:
            problems.append(
                Problem(row=number, column=":61:", value=match["date"], reason="not a date")
            )
    return problems


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return None


def _line(data: dict[str, object], entry: int, currency: str) -> StatementLine:
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
    assert booking is not None  # noqa: S101 (the :61: check ensures a date)
    name = wording.name or str(data.get("applicant_name") or "")
    if not name and not wording.remittance:
        name = strip_transfer_prefix(details.split("\n", 1)[0])
    iban = wording.iban or compact_iban(str(data.get("applicant_iban") or "")) or find_iban(details)
    return StatementLine(
        entry=entry,
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
    )

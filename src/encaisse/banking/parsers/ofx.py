"""OFX statements (1.x SGML as French banks export them, and 2.x XML), with ofxparse.

ofxparse is lenient where French exports are loose: empty ``<MEMO>``, transactions closed
implicitly, decimal commas, names over 32 characters. Three things are done before it reads:
a byte-order mark and blank lines before the header are dropped; a date's time zone
(``20260302000000[+1:CET]``) is removed, so a line keeps the date the bank printed instead
of the UTC date ofxparse would compute; an optional field left empty (``<NAME></NAME>``,
``<CHECKNUM>``...) is dropped, which ofxparse would otherwise refuse the movement over.

Only bank (and card) account statements are read: an investment account's statement, a list
of accounts or the bank's error answer is refused in one line saying which it is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from decimal import Decimal
from typing import Any

import ofxparse
from bs4 import XMLParsedAsHTMLWarning
from ofxparse.ofxparse import AccountType, OfxParserException

from encaisse.banking.parsers import Statement, StatementFile, StatementLine
from encaisse.banking.parsers.wording import (
    french_iban_from_rib,
    read_wording,
    strip_transfer_prefix,
)
from encaisse.core.errors import BadInput
from encaisse.core.i18n import Text, sentence
from encaisse.imports.rows import Problem

_TIME_ZONE = re.compile(rb"(<DT[A-Z]+>\s*\d{8,14}(?:\.\d{1,3})?)\s*\[[^\]<\r\n]*\]", re.IGNORECASE)
# An optional field of a movement left empty, <NAME></NAME> (OFX 2) or <NAME> straight
# before the next tag (SGML): ofxparse refuses the movement over it, so it is dropped. A
# <![CDATA[...]]> value is a value.
_EMPTY_OPTIONAL = re.compile(
    rb"<(NAME|CHECKNUM|SIC|DTUSER)>[ \t]*(?:</\1>)?(?=\s*</?[A-Z])", re.IGNORECASE
)
_ACCOUNT_LIST = re.compile(rb"<ACCTINFORS>", re.IGNORECASE)
_STATEMENT = re.compile(rb"<(?:CC)?STMTRS>", re.IGNORECASE)


def read_ofx(data: bytes) -> StatementFile:
    data = _TIME_ZONE.sub(rb"\1", data.lstrip(b"\xef\xbb\xbf\r\n\t "))
    data = _EMPTY_OPTIONAL.sub(b"", data)
    try:
        with warnings.catch_warnings():
            # ofxparse 0.21 calls BeautifulSoup's findAll: deprecated, still working.
            warnings.simplefilter("ignore", DeprecationWarning)
            # It reads OFX 2 (XML) with the HTML parser too, which reads it well.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            parsed = ofxparse.OfxParser.parse(io.BytesIO(data), fail_fast=False)
    except (OfxParserException, ValueError, TypeError, AttributeError, IndexError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise BadInput(
            sentence("OFX: the file cannot be read: %(error)s", error=reason[:200])
        ) from None
    version = str((getattr(parsed, "headers", None) or {}).get("VERSION", "")).strip()
    result = StatementFile(format=f"OFX {version}".strip())
    if _ACCOUNT_LIST.search(data) and not _STATEMENT.search(data):
        raise BadInput(
            sentence(
                "OFX: a list of the bank's accounts (ACCTINFORS), not a statement: export the "
                "bank account's statement (BANKMSGSRSV1)"
            )
        )
    found = list(getattr(parsed, "accounts", None) or [])
    accounts = [account for account in found if account.type != AccountType.Investment]
    if not accounts:
        raise BadInput(_why_no_statement(parsed, investments=len(found)))
    if len(found) > len(accounts):
        left_out = ", ".join(
            str(account.account_id) for account in found if account.type == AccountType.Investment
        )
        result.notes.append(
            sentence(
                "investment account statements left out (INVSTMTRS, not a bank account's): "
                "%(accounts)s",
                accounts=left_out,
            )
        )
    entry = 0
    for account in accounts:
        statement_data = getattr(account, "statement", None)
        if statement_data is None:
            continue
        statement = _statement(account, statement_data)
        bad = {
            _position(discarded.get("content")): discarded.get("error", "")
            for discarded in getattr(statement_data, "discarded_entries", [])
        }
        transactions = iter(statement_data.transactions)
        for position in range(1, len(statement_data.transactions) + len(bad) + 1):
            entry += 1
            if position in bad:
                result.problems.append(
                    Problem(
                        row=entry,
                        column="STMTTRN",
                        value="",
                        reason=" ".join(str(bad[position]).split()),
                    )
                )
                continue
            statement.lines.append(_line(next(transactions), entry, statement.currency))
        result.statements.append(statement)
    result.entries = entry
    return result


def _why_no_statement(parsed: Any, *, investments: int) -> Text:
    """One line: what the file holds instead of a bank account's statement."""
    if investments:
        return sentence(
            "OFX: an investment account's statement (INVSTMTMSGSRSV1), not a bank account's: "
            "export the bank account's statement (BANKMSGSRSV1)"
        )
    signon = getattr(parsed, "signon", None)
    status = getattr(parsed, "status", None) or {}
    if signon is not None and not signon.success:
        code, message = signon.code, signon.message
    elif str(status.get("severity") or "").upper() == "ERROR":
        code, message = status.get("code"), status.get("message")
    else:
        return sentence("OFX: no bank account statement in the file (BANKMSGSRSV1 expected)")
    said = " ".join(f"{code} {message or ''}".split())
    return sentence(
        "OFX: the bank sent an error instead of a statement: %(error)s", error=said[:150]
    )


def _position(content: Any) -> int:
    """The rank of a discarded STMTTRN among its statement's transactions (1 = first)."""
    try:
        parent = content.find_parent("banktranlist") or content.parent
        return [id(tag) for tag in parent.find_all("stmttrn")].index(id(content)) + 1
    except (AttributeError, ValueError):  # pragma: no cover - ofxparse always gives the tag
        return 0


def _statement(account: Any, data: Any) -> Statement:
    number = str(getattr(account, "account_id", "") or "").strip()
    bank = str(getattr(account, "routing_number", "") or "").strip()
    branch = str(getattr(account, "branch_id", "") or "").strip()
    if not number:
        raise BadInput(sentence("OFX: a statement without its account (ACCTID)"))
    iban = french_iban_from_rib(bank, branch, number)
    start, end = _date(getattr(data, "start_date", None)), _date(getattr(data, "end_date", None))
    period = f"{start or '?'}..{end or '?'}"
    identifier = iban or " ".join(part for part in (bank, branch, number) if part)
    return Statement(
        account=identifier,
        iban=iban,
        currency=str(getattr(data, "currency", "") or "EUR").upper(),
        identifier=f"OFX {period}",
        from_date=start,
        to_date=end,
    )


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _line(transaction: Any, entry: int, currency: str) -> StatementLine:
    name = " ".join(str(transaction.payee or "").split())
    memo = " ".join(str(transaction.memo or "").split())
    wording = read_wording(f"{name} {memo}")
    booking = _date(transaction.date)
    assert booking is not None  # noqa: S101 (ofxparse discards a transaction without a date)
    amount = Decimal(transaction.amount).quantize(Decimal("0.01"))
    fitid = str(transaction.id or "").strip()
    return StatementLine(
        entry=entry,
        booking_date=booking,
        value_date=_date(transaction.user_date),
        amount=amount,
        currency=currency,
        counterparty_name=(wording.name or strip_transfer_prefix(name))[:200],
        counterparty_iban=wording.iban,
        remittance_info=wording.remittance or memo,
        additional_info=" ".join(f"{name} {memo}".split()),
        bank_reference=fitid[:80],
        end_to_end_id=wording.reference,
        transaction_code=str(transaction.type or "").upper()[:40],
        unique_reference=fitid,
    )

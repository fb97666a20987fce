"""Which invoices a received transfer pays, decided only when it is certain (pure).

1. The remittance information names invoice numbers: if the open ones named belong to one
   customer and the amount is the sum of their open amounts (or part of the only one
   named), they are lettered.
2. Otherwise, the remittance carries the customer's creditor reference (``RF..``, printed on
   its reminders and in their QR code): the customer is certain, and the amount settles its
   open invoices oldest first (what is left stays unallocated on the customer).
3. Otherwise the customer is known by an IBAN it already paid from, or by its exact name
   (accents, case, punctuation and the legal form aside): if exactly one of its open
   invoices is open for exactly the amount, it is lettered.

Anything else goes to finance's reconciliation queue, with the customer when it is known.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

INVOICE_NUMBERS = "invoice_numbers"
CREDITOR_REFERENCE = "creditor_reference"
IBAN_AMOUNT = "iban_amount"
NAME_AMOUNT = "name_amount"

_LEGAL_FORMS = frozenset(
    {"SARL", "SAS", "SASU", "SA", "EURL", "SNC", "SCI", "SCOP", "SCP", "SELARL", "SELAS", "GIE",
     "EI", "EIRL", "ETS", "ETABLISSEMENTS", "STE", "SOCIETE", "CIE", "LTD", "LIMITED", "GMBH",
     "SPA", "SRL", "BV", "NV", "INC", "LLC", "PLC"}
)  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]*")
MAX_TOKENS_PER_LINE = 60


@dataclass(frozen=True)
class OpenInvoice:
    pk: int
    customer_id: int
    number: str
    open_amount: Decimal
    currency: str
    due_date: dt.date


@dataclass(frozen=True)
class Decision:
    """``allocations`` (invoice pk, amount) are empty when nothing is certain."""

    customer_id: int | None = None
    method: str = ""
    allocations: tuple[tuple[int, Decimal], ...] = ()


def normalize_name(name: str) -> str:
    """'Boulangerie Martin S.A.R.L.' and 'BOULANGERIE MARTIN SARL' -> 'BOULANGERIE MARTIN'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).upper()
    text = re.sub(r"(?<=\b[A-Z])\.(?=[A-Z]\b)", "", text)  # S.A.R.L -> SARL
    text = re.sub(r"(?<=\b[A-Z])\.", "", text)
    words = re.sub(r"[^A-Z0-9]+", " ", text).split()
    kept = [word for word in words if word not in _LEGAL_FORMS]
    return " ".join(kept or words)


def invoice_number_candidates(*texts: str) -> set[str]:
    """The words of the texts that could be invoice numbers (with a digit, 3+ characters),
    upper-cased; a number cut by the bank's line wrap is found joined again."""
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        for variant in (text, text.replace("\n", "")):
            for token in _TOKEN.findall(variant):
                for part in {token, *re.split(r"[/]", token)}:
                    part = part.strip("-_/.").upper()
                    if len(part) >= 3 and any(char.isdigit() for char in part):
                        found.add(part)
                        if len(found) >= MAX_TOKENS_PER_LINE:
                            return found
    return found


def decide(
    *,
    amount: Decimal,
    currency: str,
    named: Sequence[OpenInvoice],
    iban_customers: Iterable[int],
    name_customers: Iterable[int],
    open_invoices: Mapping[int, Sequence[OpenInvoice]],
    reference_customers: Iterable[int] = (),
) -> Decision:
    """What to do with a credit of ``amount``: see the module docstring.

    ``named``: the open invoices whose number the remittance information gives;
    ``reference_customers``: the customers whose creditor reference it carries;
    ``open_invoices``: the open invoices of the customers found by reference, IBAN or name,
    by customer, oldest due first.
    """
    named = [
        invoice for invoice in named if invoice.open_amount > 0 and invoice.currency == currency
    ]
    iban_set, name_set = set(iban_customers), set(name_customers)
    known = _only(iban_set) or _only(name_set)
    if named:
        customers = {invoice.customer_id for invoice in named}
        if len(customers) != 1:
            return Decision(customer_id=known)
        customer = customers.pop()
        total = sum((invoice.open_amount for invoice in named), Decimal(0))
        if amount == total:
            return Decision(
                customer_id=customer,
                method=INVOICE_NUMBERS,
                allocations=tuple((invoice.pk, invoice.open_amount) for invoice in named),
            )
        if len(named) == 1 and 0 < amount < total:
            return Decision(
                customer_id=customer,
                method=INVOICE_NUMBERS,
                allocations=((named[0].pk, amount),),
            )
        return Decision(customer_id=customer)
    referenced = _only(set(reference_customers))
    if referenced is not None:
        return Decision(
            customer_id=referenced,
            method=CREDITOR_REFERENCE,
            allocations=_oldest_first(amount, currency, open_invoices.get(referenced, ())),
        )
    if known is None:
        return Decision()
    method = IBAN_AMOUNT if _only(iban_set) == known else NAME_AMOUNT
    same_amount = [
        invoice
        for invoice in open_invoices.get(known, ())
        if invoice.open_amount == amount and invoice.currency == currency
    ]
    if len(same_amount) == 1:
        return Decision(
            customer_id=known, method=method, allocations=((same_amount[0].pk, amount),)
        )
    return Decision(customer_id=known)


def _oldest_first(
    amount: Decimal, currency: str, invoices: Sequence[OpenInvoice]
) -> tuple[tuple[int, Decimal], ...]:
    """``amount`` spread over the invoices by due date, each settled before the next."""
    allocations = []
    left = amount
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.pk)):
        if left <= 0:
            break
        if invoice.currency != currency or invoice.open_amount <= 0:
            continue
        share = min(left, invoice.open_amount)
        allocations.append((invoice.pk, share))
        left -= share
    return tuple(allocations)


def _only(values: set[int]) -> int | None:
    return next(iter(values)) if len(values) == 1 else None

"""Reads of the reconciliation page. Everything about customers starts from ledger.scoping."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.banking.matching import invoice_number_candidates, normalize_name
from encaisse.banking.models import BankLine, CustomerIban, LineStatus
from encaisse.ledger.models import Customer, Invoice, InvoiceKind, Payment
from encaisse.ledger.scoping import visible_customers, visible_invoices

MAX_SUGGESTIONS = 6
NAME_SIMILARITY = 0.6


def _visible_lines(user: User) -> QuerySet[BankLine]:
    """Lines with no payment yet, or whose payment's customer the user may see."""
    return BankLine.objects.filter(
        Q(payment__isnull=True) | Q(payment__customer__in=visible_customers(user).values("pk"))
    ).select_related("account", "account__entity", "payment", "payment__customer")


def lines_to_reconcile(user: User) -> QuerySet[BankLine]:
    """The credits the import could not match with certainty, and the returned payments it
    could not tie to their payment, oldest first."""
    return _visible_lines(user).filter(status=LineStatus.TO_RECONCILE)


def return_candidates(user: User, line: BankLine) -> list[Payment]:
    """Payments within the user's portfolio that a waiting return line may give back: the
    same amount and currency, not returned yet, the latest first."""
    return list(
        Payment.objects.filter(
            customer__in=visible_customers(user).values("pk"),
            entity_id=line.account.entity_id,
            amount=-line.amount,
            currency=line.currency,
            date__lte=line.booking_date,
            returns__isnull=True,
            returned_by__isnull=True,
        )
        .select_related("customer")
        .order_by("-date", "-pk")[:10]
    )


def lines_matched_automatically(user: User, *, limit: int = 20) -> list[BankLine]:
    """The latest credits lettered by the import, for finance to glance over."""
    return list(
        _visible_lines(user)
        .filter(status=LineStatus.MATCHED, reconciled_by__isnull=True, amount__gt=0)
        .order_by("-booking_date", "-pk")[:limit]
    )


def queue_total(lines: QuerySet[BankLine]) -> tuple[int, dict[str, Decimal], int]:
    """How many credits and their total per currency (never added together), and how many
    returned payments."""
    credits = lines.filter(amount__gt=0).order_by()
    totals = dict(
        credits.values_list("currency").annotate(total=Sum("amount")).order_by("currency")
    )
    return credits.count(), totals, lines.filter(amount__lt=0).count()


@dataclass
class Suggestion:
    customer: Customer
    reasons: list[str] = field(default_factory=list)


@dataclass
class Suggestions:
    customers: list[Suggestion]
    named_invoices: list[Invoice]
    same_amount: list[Invoice]


def line_suggestions(user: User, line: BankLine) -> Suggestions:
    """Customers and invoices the line may be about: invoice numbers in its text, open
    invoices of the same amount, a known IBAN, a similar name."""
    customers = visible_customers(user).filter(entity_id=line.account.entity_id)
    invoices = visible_invoices(user).filter(
        entity_id=line.account.entity_id, kind=InvoiceKind.INVOICE
    )
    found: dict[int, Suggestion] = {}

    def add(customer: Customer, reason: str) -> None:
        suggestion = found.setdefault(customer.pk, Suggestion(customer=customer))
        if reason not in suggestion.reasons:
            suggestion.reasons.append(reason)

    numbers = sorted(invoice_number_candidates(line.remittance_info, line.additional_info))
    named = list(
        invoices.filter(number__in=numbers).select_related("customer").order_by("number")[:20]
    )
    for invoice in named:
        add(invoice.customer, _("invoice %(number)s named in the transfer") % {"number": invoice})
    if line.counterparty_iban:
        for known in CustomerIban.objects.filter(
            iban=line.counterparty_iban, customer__in=customers.values("pk")
        ).select_related("customer"):
            add(known.customer, _("paid from this IBAN before"))
    same_amount = list(
        invoices.open()
        .filter(open_amount=line.amount, currency=line.currency)
        .select_related("customer")[:MAX_SUGGESTIONS]
    )
    for invoice in same_amount:
        add(invoice.customer, _("invoice %(number)s is open for this amount") % {"number": invoice})
    for customer in similar_customers(customers, line.counterparty_name):
        add(customer, _("name close to “%(name)s”") % {"name": line.counterparty_name})
    return Suggestions(
        customers=list(found.values())[: MAX_SUGGESTIONS * 2],
        named_invoices=named,
        same_amount=same_amount,
    )


def similar_customers(customers: QuerySet[Customer], name: str) -> list[Customer]:
    """Customers whose name is close to ``name`` (a word in common, then a close spelling)."""
    target = normalize_name(name)
    words = [word for word in target.split() if len(word) >= 3 and not word.isdigit()]
    if not words:
        return []
    query = Q()
    for word in words[:6]:
        query |= Q(name__icontains=word)
    scored = []
    for customer in customers.filter(query)[:200]:
        score = difflib.SequenceMatcher(None, normalize_name(customer.name), target).ratio()
        if score >= NAME_SIMILARITY:
            scored.append((-score, customer.name, customer))
    return [customer for _score, _name, customer in sorted(scored)[:MAX_SUGGESTIONS]]


def search_customers(user: User, line: BankLine, term: str) -> list[Customer]:
    """The user's customers of the line's legal entity matching ``term`` (name or id)."""
    term = term.strip()
    if len(term) < 2:
        return []
    return list(
        visible_customers(user)
        .filter(entity_id=line.account.entity_id)
        .filter(Q(name__icontains=term) | Q(external_id__icontains=term))
        .order_by("name")[:10]
    )


def open_invoices_of(user: User, customer: Customer) -> list[Invoice]:
    """The customer's open invoices, oldest due first (the ones a payment can settle)."""
    return list(
        visible_invoices(user).receivable().filter(customer=customer).order_by("due_date", "number")
    )


def preselected_invoices(line: BankLine, invoices: list[Invoice]) -> set[int]:
    """The invoices to tick for the user: those the transfer names, else the only one open
    for exactly its amount."""
    numbers = invoice_number_candidates(line.remittance_info, line.additional_info)
    named = {invoice.pk for invoice in invoices if invoice.number.upper() in numbers}
    if named:
        return named
    same = [invoice.pk for invoice in invoices if invoice.open_amount == line.amount]
    return set(same) if len(same) == 1 else set()

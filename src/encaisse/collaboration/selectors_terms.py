"""What people read about special terms, always inside their portfolio."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from encaisse.accounts.models import User
from encaisse.collaboration.terms_models import SpecialTerms, TermsInstalment, TermsStatus
from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.scoping import visible_customers

# What a page shows of special terms: the decided and pending ones, not the replaced.
SHOWN = (TermsStatus.PROPOSED, TermsStatus.CONFIRMED, TermsStatus.REFUSED)


def visible_terms(user: User) -> QuerySet[SpecialTerms]:
    """The special terms ``user`` may read: those of the customers of their portfolio."""
    return SpecialTerms.objects.filter(customer__in=visible_customers(user).values("pk"))


def _with_details(terms: QuerySet[SpecialTerms]) -> QuerySet[SpecialTerms]:
    return terms.select_related(
        "customer", "customer__entity", "invoice", "proposed_by", "decided_by"
    ).prefetch_related(
        Prefetch("instalments", queryset=TermsInstalment.objects.order_by("due_date", "pk"))
    )


def customer_terms(customer: Customer) -> list[SpecialTerms]:
    """A customer's special terms (already scoped): pending first, then the latest decided."""
    terms = _with_details(customer.special_terms.filter(status__in=SHOWN))
    listed = list(terms.order_by("-proposed_at", "-pk")[:20])
    return sorted(listed, key=lambda t: not t.is_pending)


def terms_to_confirm(user: User) -> list[SpecialTerms]:
    """Finance's queue: proposed terms of the user's portfolio, oldest first."""
    pending = visible_terms(user).filter(status=TermsStatus.PROPOSED)
    return list(_with_details(pending).order_by("proposed_at", "pk"))


def recently_decided_terms(user: User, *, limit: int = 20) -> list[SpecialTerms]:
    decided = visible_terms(user).filter(status__in=[TermsStatus.CONFIRMED, TermsStatus.REFUSED])
    return list(_with_details(decided).order_by("-decided_at", "-pk")[:limit])


def visible_terms_document(user: User, terms_id: int) -> SpecialTerms | None:
    """Terms with a document the user may read; None outside the portfolio or without one."""
    return visible_terms(user).filter(pk=terms_id).exclude(document="").first()


def open_invoices_for_terms(customer: Customer) -> QuerySet[Invoice]:
    """The invoices of a customer (already scoped) that terms may be agreed on."""
    return Invoice.objects.open().filter(customer=customer, kind="invoice").order_by("due_date")

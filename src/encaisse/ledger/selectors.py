"""Reads of the ledger for pages and exports. Every one starts from ledger.scoping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from encaisse.accounts.models import Agency, Role, User
from encaisse.core.money import ZERO, format_money
from encaisse.ledger.models import (
    Customer,
    CustomerChange,
    Invoice,
    InvoiceDocument,
    LegalEntity,
    Payment,
    Segment,
)
from encaisse.ledger.scoping import visible_customers, visible_invoices
from encaisse.ledger.services import MONEY_FIELD

CUSTOMER_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "overdue": ("overdue", "name"),
    "-overdue": ("-overdue", "name"),
    "outstanding": ("outstanding", "name"),
    "-outstanding": ("-outstanding", "name"),
}


def _customer_sum(queryset: QuerySet, field: str) -> Coalesce:  # type: ignore[type-arg]
    total = queryset.order_by().values("customer").annotate(total=Sum(field)).values("total")
    return Coalesce(
        Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
    )


def with_balances(customers: QuerySet[Customer], *, today: dt.date) -> QuerySet[Customer]:
    """Annotate outstanding (open items less unallocated payments) and overdue amounts."""
    open_items = Invoice.objects.open().filter(customer=OuterRef("pk"))
    unallocated = Payment.objects.open().filter(customer=OuterRef("pk"))
    return customers.annotate(
        open_items_total=_customer_sum(open_items, "open_amount"),
        unallocated=_customer_sum(unallocated, "unallocated_amount"),
        overdue=_customer_sum(open_items.filter(due_date__lt=today), "open_amount"),
    ).annotate(outstanding=F("open_items_total") - F("unallocated"))


@dataclass(frozen=True)
class CustomerFilters:
    search: str = ""
    segment: str = ""
    agency_id: int | None = None
    sales_rep_id: int | None = None
    overdue_only: bool = False
    sort: str = "-overdue"


def narrowed_customers(
    customers: QuerySet[Customer],
    *,
    rep: int | str | None = None,
    agency: int | str | None = None,
    segment: str | None = None,
) -> QuerySet[Customer]:
    """The customers of one rep, agency or segment among ``customers`` (the user's portfolio:
    a rep or agency outside it leaves nothing). A rep is named by its id or its username, an
    agency by its id or its code, as pages and drill-down links give them."""
    if isinstance(rep, int):
        customers = customers.filter(sales_rep_id=rep)
    elif rep:
        customers = customers.filter(sales_rep__username=rep)
    if isinstance(agency, int):
        customers = customers.filter(agency_id=agency)
    elif agency:
        customers = customers.filter(agency__code=agency)
    if segment:
        customers = customers.filter(segment=segment)
    return customers


def customer_list(user: User, filters: CustomerFilters, *, today: dt.date) -> QuerySet[Customer]:
    """The user's customers, filtered and sorted, with their balances."""
    customers = visible_customers(user).select_related("sales_rep", "agency")
    if filters.search:
        term = filters.search.strip()
        customers = customers.filter(
            Q(name__icontains=term)
            | Q(external_id__icontains=term)
            | Q(siren__startswith=term.replace(" ", ""))
            | Q(city__icontains=term)
        )
    customers = narrowed_customers(
        customers,
        rep=filters.sales_rep_id,
        agency=filters.agency_id,
        segment=filters.segment,
    )
    customers = with_balances(customers, today=today)
    if filters.overdue_only:
        customers = customers.filter(overdue__gt=0)  # type: ignore[misc]  # an annotation
    return customers.order_by(*CUSTOMER_SORTS.get(filters.sort, CUSTOMER_SORTS["-overdue"]))


@dataclass(frozen=True)
class CustomerPosition:
    """Where a customer stands today: what it owes, what is late (against its limits:
    risk.limits, the one rule of limits)."""

    open_items_total: Decimal
    unallocated: Decimal
    outstanding: Decimal
    overdue: Decimal
    credit_limit: Decimal | None
    oldest_due_date: dt.date | None


def customer_position(customer: Customer, *, today: dt.date) -> CustomerPosition:
    open_items = Invoice.objects.open().filter(customer=customer)
    totals = open_items.aggregate(
        total=Coalesce(Sum("open_amount"), Value(ZERO), output_field=MONEY_FIELD),
        overdue=Coalesce(
            Sum("open_amount", filter=Q(due_date__lt=today)), Value(ZERO), output_field=MONEY_FIELD
        ),
    )
    oldest = (
        open_items.filter(kind="invoice").order_by("due_date").values_list("due_date", flat=True)
    ).first()
    unallocated = (
        Payment.objects.open()
        .filter(customer=customer)
        .aggregate(
            total=Coalesce(Sum("unallocated_amount"), Value(ZERO), output_field=MONEY_FIELD)
        )["total"]
    )
    return CustomerPosition(
        open_items_total=totals["total"],
        unallocated=unallocated,
        outstanding=totals["total"] - unallocated,
        overdue=totals["overdue"],
        credit_limit=customer.credit_limit,
        oldest_due_date=oldest,
    )


def customer_open_items(customer: Customer) -> QuerySet[Invoice]:
    """Invoices and credit notes still open, oldest due first."""
    return Invoice.objects.open().filter(customer=customer).order_by("due_date", "number")


def customer_payments(customer: Customer) -> QuerySet[Payment]:
    return Payment.objects.filter(customer=customer).order_by("-date", "-pk")


def customer_paid_invoices(customer: Customer) -> QuerySet[Invoice]:
    return Invoice.objects.filter(customer=customer, settled_on__isnull=False).order_by(
        "-settled_on", "-pk"
    )


def portfolio_agencies(user: User) -> list[Agency]:
    """The agencies of the user's customers (for filters: nothing beyond the portfolio)."""
    customers = visible_customers(user).values("pk")
    return list(Agency.objects.filter(customers__in=customers).distinct().order_by("name"))


def portfolio_reps(user: User) -> list[User]:
    """The reps of the user's customers; a rep only has themselves, so none to choose from."""
    if user.role == Role.SALES_REP:
        return []
    customers = visible_customers(user).values("pk")
    return list(
        User.objects.filter(portfolio__in=customers).distinct().order_by("first_name", "last_name")
    )


def invoices_with_documents(invoice_ids: list[int]) -> set[int]:
    """Which of these invoices have a PDF kept (for a "PDF" link)."""
    if not invoice_ids:
        return set()
    return set(
        InvoiceDocument.objects.filter(invoice_id__in=invoice_ids).values_list(
            "invoice_id", flat=True
        )
    )


def visible_invoice_document(user: User, invoice_id: int) -> InvoiceDocument | None:
    """The latest PDF of an invoice the user may see; None when there is none or when the
    invoice is outside the user's portfolio (the view answers 404 for both)."""
    return (
        InvoiceDocument.objects.filter(
            invoice__in=visible_invoices(user).filter(pk=invoice_id).values("pk")
        )
        .select_related("invoice")
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def latest_invoice_documents(invoice_ids: list[int]) -> dict[int, InvoiceDocument]:
    """The latest PDF of each of these invoices that has one (reminders attach them)."""
    latest: dict[int, InvoiceDocument] = {}
    if not invoice_ids:
        return latest
    for document in InvoiceDocument.objects.filter(invoice_id__in=invoice_ids).order_by(
        "invoice_id", "-uploaded_at", "-pk"
    ):
        latest.setdefault(document.invoice_id, document)
    return latest


def legal_entities() -> QuerySet[LegalEntity]:
    """The legal entities, by code, with how many customers each has (``customer_count``).

    Not customer data: no portfolio applies; who may read them is the caller's check.
    """
    return LegalEntity.objects.annotate(customer_count=Count("customers")).order_by("code")


@dataclass(frozen=True)
class ChangeShown:
    """A change finance made to a customer, as its reader reads it."""

    at: dt.datetime
    field: str
    label: str
    before: str
    after: str
    by: str


def _change_value(field: str, value: str, currency: str) -> str:
    if not value:
        return ""
    if field == "segment":
        return str(Segment(value).label) if value in Segment.values else value
    if field == "credit_limit":
        return format_money(Decimal(value), currency)
    return value


def _change_label(field: str) -> str:
    if field == "contact":
        return str(_("Contact"))
    return str(getattr(Customer._meta.get_field(field), "verbose_name", field)).capitalize()


def customer_changes(customer: Customer, *, limit: int = 50) -> list[ChangeShown]:
    """The changes made to the customer in the app, newest first, labelled in the reader's
    language (a segment by its name, an amount in the customer's currency)."""
    currency = customer.entity.currency if customer.entity_id else "EUR"
    return [
        ChangeShown(
            at=change.changed_at,
            field=change.field,
            label=_change_label(change.field),
            before=_change_value(change.field, change.before, currency),
            after=_change_value(change.field, change.after, currency),
            by=(change.changed_by.get_full_name() or change.changed_by.username)
            if change.changed_by
            else "",
        )
        for change in CustomerChange.objects.filter(customer=customer).select_related("changed_by")[
            :limit
        ]
    ]

"""Customer pages: thin adapters over ledger.selectors, scoped by ledger.scoping."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from encaisse.accounts.permissions import acting_user
from encaisse.core.dates import today
from encaisse.core.panels import render_customer_panels
from encaisse.ledger.forms import CustomerFilterForm
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import (
    CustomerFilters,
    customer_list,
    customer_open_items,
    customer_paid_invoices,
    customer_payments,
    customer_position,
    invoices_with_documents,
    portfolio_agencies,
    portfolio_reps,
    visible_invoice_document,
)


@login_required
def customer_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = CustomerFilterForm(
        request.GET or None, agencies=portfolio_agencies(user), reps=portfolio_reps(user)
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = CustomerFilters(
        search=data.get("q") or "",
        segment=data.get("segment") or "",
        agency_id=data.get("agency"),
        sales_rep_id=data.get("rep"),
        overdue_only=bool(data.get("overdue")),
        sort=data.get("sort") or "-overdue",
    )
    as_of = today()
    page = Paginator(customer_list(user, filters, today=as_of), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "filters": filters, "today": as_of}
    template = (
        "ledger/_customer_rows.html"
        if request.headers.get("HX-Request")
        else "ledger/customer_list.html"
    )
    return render(request, template, context)


@login_required
def customer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(
        visible_customers(user).select_related("sales_rep", "agency", "entity"), pk=pk
    )
    as_of = today()
    open_items = list(customer_open_items(customer))
    paid_invoices = list(customer_paid_invoices(customer)[:20])
    context = {
        "customer": customer,
        "position": customer_position(customer, today=as_of),
        "open_items": open_items,
        "payments": customer_payments(customer)[:20],
        "paid_invoices": paid_invoices,
        "with_pdf": invoices_with_documents([i.pk for i in open_items + paid_invoices]),
        "contacts": customer.contacts.all(),
        "panels": render_customer_panels(request, customer),
        "today": as_of,
    }
    return render(request, "ledger/customer_detail.html", context)


@login_required
@require_GET
def invoice_document_view(request: HttpRequest, pk: int) -> FileResponse:
    """The invoice's PDF, for whoever may see the invoice's customer (404 for anyone else)."""
    document = visible_invoice_document(acting_user(request), pk)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = document.original_name or f"{document.invoice.number}.pdf"
    response = FileResponse(handle, content_type="application/pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

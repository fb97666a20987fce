"""Special terms agreed by sales: recorded from the customer page, decided by finance (on
the customer page or in its queue), their document served to whoever sees the customer.
Thin adapters over collaboration.terms and selectors_terms (404 outside the portfolio)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_decide_terms, can_record_terms
from encaisse.collaboration.forms_terms import SpecialTermsForm, TermsDecisionForm
from encaisse.collaboration.selectors_terms import (
    customer_terms,
    open_invoices_for_terms,
    recently_decided_terms,
    terms_to_confirm,
    visible_terms,
    visible_terms_document,
)
from encaisse.collaboration.terms import decide_terms, propose_terms, terms_url
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.http import safe_next
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers


def customer_terms_panel(request: HttpRequest, customer: Customer) -> str:
    """The special terms of the customer page: pending and decided, where finance works."""
    user = acting_user(request)
    terms = customer_terms(customer)
    may_record = can_record_terms(user)
    if not terms and not may_record:
        return ""
    return render_to_string(
        "collaboration/_terms_panel.html",
        {
            "customer": customer,
            "terms": terms,
            "may_record": may_record,
            "may_decide": can_decide_terms(user),
            "next_url": reverse("customer-detail", args=[customer.pk]) + "#special-terms",
        },
        request=request,
    )


@allowed_or_404(can_record_terms)
def terms_new_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Record terms agreed at the sale, on the customer or one of its open invoices."""
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    invoices = list(open_invoices_for_terms(customer))
    if request.method == "POST":
        form = SpecialTermsForm(request.POST, request.FILES, invoices=invoices)
        if form.is_valid():
            try:
                terms = propose_terms(
                    customer=customer, proposed_by=user, today=today(), **form.service_arguments()
                )
            except BadInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Special terms recorded: finance will confirm them."))
                return redirect(terms_url(terms))
        status = 400
    else:
        wanted = request.GET.get("invoice", "")
        form = SpecialTermsForm(
            initial={"invoice": wanted if any(str(i.pk) == wanted for i in invoices) else ""},
            invoices=invoices,
        )
        status = 200
    context = {"customer": customer, "form": form}
    return render(request, "collaboration/terms_new.html", context, status=status)


@allowed_or_404(can_decide_terms)
@require_POST
def terms_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance confirms or refuses proposed terms."""
    user = acting_user(request)
    terms = visible_terms(user).filter(pk=pk).select_related("customer").first()
    if terms is None:
        raise Http404
    form = TermsDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or refuse the terms."))
    else:
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            decide_terms(
                terms=terms, decided_by=user, confirm=confirm, note=form.cleaned_data["note"]
            )
        except BadInput as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                (_("Special terms confirmed.") if confirm else _("Special terms refused.")),
            )
    return redirect(safe_next(request, terms_url(terms)))


@allowed_or_404(can_decide_terms)
def terms_queue_view(request: HttpRequest) -> HttpResponse:
    """Finance's queue: the terms sales agreed, to confirm or refuse, and the latest decided."""
    user = acting_user(request)
    context = {
        "pending": terms_to_confirm(user),
        "decided": recently_decided_terms(user),
        "next_url": reverse("terms-queue"),
    }
    return render(request, "collaboration/terms_queue.html", context)


@login_required
@require_GET
def terms_document_view(request: HttpRequest, pk: int) -> FileResponse:
    """The document given with the terms, for whoever sees the customer (404 for others)."""
    terms = visible_terms_document(acting_user(request), pk)
    if terms is None:
        raise Http404
    try:
        handle = terms.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=terms.document_type or "application/octet-stream",
        filename=terms.document_name or "document",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response

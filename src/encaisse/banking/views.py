"""The reconciliation queue: credits the import could not match, allocated in a few clicks.

Finance and administrators only; anyone else gets a 404, as on the import pages (the queue
shows payers of every portfolio). Each line is a card that HTMX swaps in place: pick the
customer, tick the invoices, confirm; or mark it "not a customer payment".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_import_ledger
from encaisse.banking.models import BankLine
from encaisse.banking.returns import reconcile_return
from encaisse.banking.selectors import (
    line_suggestions,
    lines_matched_automatically,
    lines_to_reconcile,
    open_invoices_of,
    preselected_invoices,
    queue_total,
    return_candidates,
    search_customers,
)
from encaisse.banking.services import ignore_line, reconcile_line
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money_totals
from encaisse.ledger.models import Customer, return_reason_label
from encaisse.ledger.scoping import visible_customers, visible_invoices

finance_only = allowed_or_404(can_import_ledger)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@finance_only
def reconciliation_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    lines = lines_to_reconcile(user)
    page = Paginator(lines, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [_card_context(request, line) for line in page.object_list]
    return render(
        request,
        "banking/reconciliation.html",
        {
            "page": page,
            "cards": cards,
            "summary": _summary(lines),
            "matched": lines_matched_automatically(user),
        },
    )


def _summary(lines: QuerySet[BankLine]) -> dict[str, Any]:
    """The page header's counts (banking/_queue_summary.html)."""
    count, totals, returns = queue_total(lines)
    total = format_money_totals(totals)
    return {"count": count, "total": total, "returns": returns}


def _after_click(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """The context of an HTMX answer to a click that may change the queue: with the header's
    counts, which the answer refreshes out of band."""
    if _is_htmx(request):
        context["oob_summary"] = _summary(lines_to_reconcile(acting_user(request)))
    return context


def _line(request: HttpRequest, pk: int) -> BankLine:
    return get_object_or_404(lines_to_reconcile(acting_user(request)), pk=pk)


def _chosen_customer(request: HttpRequest, line: BankLine, pk: int | None) -> Customer | None:
    if pk is None:
        return None
    customers = visible_customers(acting_user(request)).filter(entity_id=line.account.entity_id)
    return get_object_or_404(customers, pk=pk)


def _card_context(
    request: HttpRequest,
    line: BankLine,
    *,
    customer: Customer | None = None,
    error: str = "",
    ticked: set[int] | None = None,
) -> dict[str, Any]:
    user = acting_user(request)
    context: dict[str, Any] = {"line": line, "error": error, "customer": customer}
    if line.amount < 0:  # a returned payment: which payment did the bank take back?
        context["return_reason"] = return_reason_label(line.return_reason)
        context["return_candidates"] = return_candidates(user, line)
        return context
    if customer is None:
        context["suggestions"] = line_suggestions(user, line)
        if line.payment_id:
            context["guessed"] = line.payment.customer if line.payment else None
        return context
    invoices = open_invoices_of(user, customer)
    context["invoices"] = invoices
    context["ticked"] = preselected_invoices(line, invoices) if ticked is None else ticked
    return context


def _render_card(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    template = "banking/_line_card.html" if _is_htmx(request) else "banking/line.html"
    return render(request, template, context)


@finance_only
def line_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    customer = _chosen_customer(request, line, _int(request.GET.get("customer")))
    return _render_card(request, _card_context(request, line, customer=customer))


@finance_only
def line_customers_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    results = search_customers(acting_user(request), line, request.GET.get("q", ""))
    return render(
        request,
        "banking/_customer_results.html",
        {"line": line, "results": results, "term": request.GET.get("q", "")},
    )


@finance_only
@require_POST
def line_reconcile_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    line = _line(request, pk)
    customer = _chosen_customer(request, line, _int(request.POST.get("customer")))
    if customer is None:
        raise Http404
    ids = [value for value in map(_int, request.POST.getlist("invoices")) if value is not None]
    invoices = list(visible_invoices(user).filter(customer=customer, pk__in=ids))
    try:
        if not invoices and not request.POST.get("on_account"):
            # An empty tick list is more often a slip than a decision: ask for it explicitly.
            raise BadInput(
                _(
                    "Tick the invoices this payment settles, or keep it on the customer's "
                    "account without allocating it."
                )
            )
        line = reconcile_line(line=line, customer=customer, invoices=invoices, user=user)
    except BadInput as error:
        context = _card_context(
            request, line, customer=customer, error=str(error), ticked={i.pk for i in invoices}
        )
        return _render_card(request, _after_click(request, context))
    return _done(request, line, customer=customer, invoices=[i.number for i in invoices])


@finance_only
@require_POST
def line_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance names the payment a returned line gives back."""
    user = acting_user(request)
    line = _line(request, pk)
    payment = next(
        (p for p in return_candidates(user, line) if p.pk == _int(request.POST.get("payment"))),
        None,
    )
    if payment is None:
        raise Http404
    try:
        line = reconcile_return(line=line, payment=payment, user=user)
    except BadInput as error:
        context = _card_context(request, line, error=str(error))
        return _render_card(request, _after_click(request, context))
    text = _("Tied to the payment %(payment)s of %(customer)s: its invoices are open again.") % {
        "payment": payment.reference,
        "customer": payment.customer,
    }
    if not _is_htmx(request):
        messages.success(request, text)
        return redirect("bank-reconciliation")
    context = {"line": line, "customer": payment.customer, "text": text}
    return render(request, "banking/_line_done.html", _after_click(request, context))


@finance_only
@require_POST
def line_ignore_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        line = ignore_line(line=line, user=acting_user(request))
    except BadInput as error:
        context = _card_context(request, line, error=str(error))
        return _render_card(request, _after_click(request, context))
    return _done(request, line, customer=None, invoices=[])


def _done(
    request: HttpRequest, line: BankLine, *, customer: Customer | None, invoices: list[str]
) -> HttpResponse:
    if customer is None:
        text = _("Marked as not a customer payment.")
    elif invoices:
        text = _("Allocated to %(customer)s: %(invoices)s.") % {
            "customer": customer,
            "invoices": ", ".join(sorted(invoices)),
        }
    else:
        text = _("Recorded as a payment of %(customer)s, not allocated to an invoice.") % {
            "customer": customer
        }
    if not _is_htmx(request):
        messages.success(request, text)
        return redirect("bank-reconciliation")
    context = {"line": line, "customer": customer, "text": text}
    return render(request, "banking/_line_done.html", _after_click(request, context))

"""Credit limits on the pages: the customer page's panel, finance's limits form, a limit
request and its decision, finance's queue, the "Over limit" list and its CSV. Thin adapters
over risk.limit_changes, limit_requests and limits_selectors (404 outside the portfolio)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import (
    acting_user,
    can_decide_limits,
    can_edit_customer,
    can_request_limit,
    can_see_over_limit,
)
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.http import safe_next
from encaisse.core.money import money_str
from encaisse.core.spreadsheets import safe_cell
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import portfolio_agencies, portfolio_reps
from encaisse.risk.forms_limits import LimitDecisionForm, LimitRequestForm, LimitsForm
from encaisse.risk.limit_changes import change_limits, current_edit
from encaisse.risk.limit_requests import decide_limit_request, request_limit, request_url
from encaisse.risk.limits import limit_status
from encaisse.risk.limits_selectors import (
    BREACH_FILTERS,
    customer_limit_requests,
    over_limit_customers,
    pending_limit_requests,
    recently_decided_limit_requests,
    visible_limit_requests,
)


def _customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(
        visible_customers(acting_user(request)).select_related("entity"), pk=pk
    )


def customer_limits_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's credit limits: amount and days against their limits, exposure,
    the requests (finance decides them there)."""
    user = acting_user(request)
    return render_to_string(
        "risk/limits/_panel.html",
        {
            "customer": customer,
            "status": limit_status(customer, as_of=today()),
            "requests": customer_limit_requests(customer),
            "may_edit": can_edit_customer(user),
            "may_request": can_request_limit(user),
            "may_decide": can_decide_limits(user),
            "decision_form": LimitDecisionForm(),
            "next_url": reverse("customer-detail", args=[customer.pk]) + "#credit-limits",
        },
        request=request,
    )


@allowed_or_404(can_edit_customer)
def limits_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance sets the customer's limits in amount and days, a temporary limit, and the
    orders not yet invoiced."""
    user = acting_user(request)
    customer = _customer(request, pk)
    form = LimitsForm(request.POST or None, initial=current_edit(customer).__dict__)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = change_limits(
                    customer=customer, edit=form.edit(), changed_by=user, today=today()
                )
            except BadInput as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Limits saved.") if changed else _("Nothing to change.")
                )
                return redirect(reverse("customer-detail", args=[customer.pk]) + "#credit-limits")
        status = 400
    context = {"customer": customer, "form": form}
    return render(request, "risk/limits/edit.html", context, status=status)


@allowed_or_404(can_request_limit)
def limit_request_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A rep or a manager asks finance for a new limit (on a phone too)."""
    user = acting_user(request)
    customer = _customer(request, pk)
    form = LimitRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                limit_request = request_limit(
                    customer=customer,
                    requested_by=user,
                    amount=form.cleaned_data["amount"],
                    temporary_until=form.cleaned_data["temporary_until"],
                    justification=form.cleaned_data["justification"],
                    today=today(),
                )
            except BadInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Request sent: finance will decide."))
                return redirect(request_url(limit_request))
        status = 400
    context = {
        "customer": customer,
        "form": form,
        "status": limit_status(customer, as_of=today()),
    }
    return render(request, "risk/limits/request_new.html", context, status=status)


@allowed_or_404(can_decide_limits)
@require_POST
def limit_request_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance approves, counter-proposes or refuses a request."""
    user = acting_user(request)
    limit_request = visible_limit_requests(user).filter(pk=pk).first()
    if limit_request is None:
        raise Http404
    form = LimitDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve, counter-propose or refuse."))
    else:
        data = form.cleaned_data
        try:
            decide_limit_request(
                request=limit_request,
                decided_by=user,
                decision=data["decision"],
                amount=data.get("amount"),
                until=data.get("until"),
                note=data.get("note") or "",
                today=today(),
            )
        except BadInput as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect(safe_next(request, request_url(limit_request)))


@allowed_or_404(can_decide_limits)
def limit_requests_view(request: HttpRequest) -> HttpResponse:
    """Finance's queue: the limits asked, to decide, and the latest decided."""
    user = acting_user(request)
    context = {
        "pending": pending_limit_requests(user),
        "decided": recently_decided_limit_requests(user),
        "decision_form": LimitDecisionForm(),
        "next_url": reverse("risk-limit-requests"),
    }
    return render(request, "risk/limits/requests.html", context)


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@allowed_or_404(can_see_over_limit)
def over_limit_view(request: HttpRequest) -> HttpResponse:
    """The customers over a limit, the largest excess first; filters by agency, rep and
    kind of breach; ``?format=csv`` for the same list as a file."""
    user = acting_user(request)
    agency = _number(request.GET.get("agency", ""))
    rep = _number(request.GET.get("rep", ""))
    breach = request.GET.get("breach", "")
    breach = breach if breach in BREACH_FILTERS else ""
    rows = over_limit_customers(user, as_of=today(), agency=agency, rep=rep, breach=breach)
    if request.GET.get("format") == "csv":
        return _csv(rows)
    context = {
        "rows": rows,
        "agencies": portfolio_agencies(user),
        "reps": portfolio_reps(user),
        "agency": agency,
        "rep": rep,
        "breach": breach,
        "query": request.GET.urlencode(),
    }
    return render(request, "risk/limits/over_limit.html", context)


CSV_HEADER = [
    "customer_external_id", "customer", "sales_rep", "agency", "currency", "limit",
    "temporary_until", "outstanding", "uninvoiced_orders", "exposure", "excess",
    "used_percent", "oldest_days_past_due", "oldest_days_limit", "average_days_past_due",
    "average_days_limit", "over_amount", "over_days",
]  # fmt: skip


def _csv(rows: list) -> HttpResponse:  # type: ignore[type-arg]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        customer, status = row.customer, row.status
        writer.writerow(
            [
                safe_cell(customer.external_id),
                safe_cell(customer.name),
                safe_cell(customer.sales_rep.username if customer.sales_rep else ""),
                safe_cell(customer.agency.code if customer.agency else ""),
                customer.entity.currency,
                money_str(status.limit) if status.limit is not None else "",
                status.temporary_until.isoformat() if status.temporary_until else "",
                money_str(status.outstanding),
                money_str(status.uninvoiced_orders),
                money_str(status.exposure),
                money_str(status.excess),
                "" if status.used_percent is None else status.used_percent,
                status.oldest_days,
                "" if status.oldest_days_limit is None else status.oldest_days_limit,
                status.average_days,
                "" if status.average_days_limit is None else status.average_days_limit,
                int(status.over_amount),
                int(status.over_days),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="over-limit.csv"'
    return response

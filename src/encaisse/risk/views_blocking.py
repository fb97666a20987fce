"""Blocking's pages: the panel of the customer page (state, forms, history), blocking and
unblocking, deciding a request to unblock, and the list of blocked customers with its CSV."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import (
    acting_user,
    can_block_customers,
    can_follow_blocked_customers,
)
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.risk.blocking import block_customer, decide_unblock_request, unblock_customer
from encaisse.risk.blocking_selectors import (
    block_reason,
    blocked_customers,
    blocked_customers_csv,
    customer_blocks,
    pending_unblock_request,
    visible_unblock_request,
)
from encaisse.risk.models_blocking import UnblockRequest


def customer_blocking_panel(request: HttpRequest, customer: Customer) -> str:
    """Whether the customer is blocked, why, since when; finance's forms; the history."""
    user = acting_user(request)
    blocks = customer_blocks(customer)
    pending = pending_unblock_request(customer)
    finance = can_block_customers(user)
    current = blocks[0] if blocks and blocks[0].is_open else None
    return render_to_string(
        "risk/blocking/_panel.html",
        {
            "customer": customer,
            "current": current,
            "current_reason": block_reason(current) if current else "",
            "history": [(block, block_reason(block)) for block in blocks],
            "pending": pending,
            "can_block": finance,
            "can_decide": finance and pending is not None and pending.requested_by_id != user.pk,
            "needs_second_approval": settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL,
        },
        request=request,
    )


def _back(customer_pk: int) -> HttpResponse:
    response = redirect("customer-detail", pk=customer_pk)
    response["Location"] += "#blocking"
    return response


@allowed_or_404(can_block_customers)
@require_POST
def block_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    try:
        block_customer(customer=customer, reason=request.POST.get("reason", ""), by=user)
    except BadInput as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(customer)s is blocked; the ERP is told.") % {"customer": customer.name}
        )
    return _back(customer.pk)


@allowed_or_404(can_block_customers)
@require_POST
def unblock_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_pk)
    try:
        outcome = unblock_customer(
            customer=customer, by=user, reason=request.POST.get("reason", "")
        )
    except BadInput as error:
        messages.error(request, str(error))
    else:
        if isinstance(outcome, UnblockRequest):
            messages.success(request, _("Asked: another finance user must approve."))
        else:
            messages.success(
                request,
                _("%(customer)s is unblocked; the ERP is told.") % {"customer": customer.name},
            )
    return _back(customer.pk)


@allowed_or_404(can_block_customers)
@require_POST
def decide_unblock_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    unblock_request = visible_unblock_request(visible_customers(user), pk)
    if unblock_request is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        decide_unblock_request(unblock_request=unblock_request, by=user, approve=approve)
    except BadInput as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Approved: the customer is unblocked.")
            if approve
            else _("Refused: the customer stays blocked."),
        )
    return _back(unblock_request.customer_id)


@allowed_or_404(can_follow_blocked_customers)
def blocked_list_view(request: HttpRequest) -> HttpResponse:
    """The blocked customers of the user's portfolio; ``?export=csv`` for the ERP."""
    user = acting_user(request)
    rows = blocked_customers(visible_customers(user))
    if request.GET.get("export") == "csv":
        response = HttpResponse(blocked_customers_csv(rows), content_type="text/csv; charset=utf-8")
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="blocked-customers-{day}.csv"'
        return response
    return render(
        request,
        "risk/blocking/list.html",
        {"rows": rows, "can_block": can_block_customers(user)},
    )

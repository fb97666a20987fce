"""Disputes' pages: the list for finance and managers, "my disputes", one dispute, opening one
from a customer (or one of its invoices), and the buttons that move it on. Thin adapters over
selectors_disputes and services_disputes; a dispute outside the portfolio is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user, can_follow_disputes, can_open_disputes
from encaisse.collaboration.forms_disputes import (
    DisputeAssignForm,
    DisputeCommentForm,
    DisputeCreditNoteForm,
    DisputeFilterForm,
    DisputeMoveForm,
    DisputeOpenForm,
    default_due_on,
)
from encaisse.collaboration.models_disputes import DISPUTE_TRANSITIONS, Dispute, DisputeStatus
from encaisse.collaboration.permissions import can_comment_dispute, can_work_dispute
from encaisse.collaboration.selectors_disputes import (
    customer_credit_notes,
    customer_disputes,
    disputable_invoices,
    dispute_counts,
    dispute_history,
    dispute_list,
    dispute_owners,
    disputed_amount,
    my_disputes,
    possible_owners,
    resolution_times,
    visible_dispute,
)
from encaisse.collaboration.services_disputes import (
    assign_dispute,
    comment_dispute,
    open_dispute,
    reject_dispute,
    resolve_dispute_by_credit_note,
    set_dispute_due_date,
    start_investigation,
    withdraw_dispute,
)
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers

LIST_LIMIT = 200


@login_required
def dispute_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_follow_disputes(user):
        return redirect("my-disputes")
    as_of = today()
    form = DisputeFilterForm(request.GET or None, owners=dispute_owners(user))
    filters = form.filters()
    disputes = list(dispute_list(user, filters, today=as_of)[: LIST_LIMIT + 1])
    by_reason, by_owner = resolution_times(user)
    context = {
        "form": form,
        "disputes": disputes[:LIST_LIMIT],
        "more": len(disputes) > LIST_LIMIT,
        "counts": dispute_counts(user, today=as_of),
        "by_reason": by_reason,
        "by_owner": by_owner,
        "today": as_of,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "collaboration/disputes/_rows.html", context)
    return render(request, "collaboration/disputes/list.html", context)


@login_required
def my_disputes_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    as_of = today()
    context = {"disputes": list(my_disputes(user, today=as_of)), "today": as_of, "mine": True}
    return render(request, "collaboration/disputes/mine.html", context)


def _visible(user: User, dispute_id: int) -> Dispute:
    dispute = visible_dispute(user, dispute_id)
    if dispute is None:
        raise Http404
    return dispute


def _detail_context(user: User, dispute: Dispute, **forms: Any) -> dict[str, Any]:
    as_of = today()
    may_work = can_work_dispute(user, dispute) and dispute.is_active
    owners = possible_owners(dispute.customer) if may_work else []
    allowed = DISPUTE_TRANSITIONS.get(dispute.status, frozenset())
    return {
        "dispute": dispute,
        "amount": disputed_amount(dispute),
        "history": dispute_history(dispute),
        "owners_by_id": {str(p.pk): p for p in owners},
        "may_work": may_work,
        "may_comment": can_comment_dispute(user, dispute),
        "may_investigate": DisputeStatus.INVESTIGATING in allowed,
        "statuses": dict(DisputeStatus.choices),
        "assign_form": forms.get("assign_form")
        or DisputeAssignForm(
            initial={"owner": str(dispute.owner_id or ""), "due_on": dispute.due_on},
            owners=owners,
        ),
        "credit_form": forms.get("credit_form")
        or DisputeCreditNoteForm(credit_notes=list(customer_credit_notes(dispute.customer))),
        "comment_form": forms.get("comment_form") or DisputeCommentForm(),
        "today": as_of,
    }


@login_required
def dispute_detail_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    user = acting_user(request)
    dispute = _visible(user, dispute_id)
    return render(request, "collaboration/disputes/detail.html", _detail_context(user, dispute))


@login_required
def dispute_new_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = acting_user(request)
    customer = get_object_or_404(visible_customers(user), pk=customer_id)
    if not can_open_disputes(user):
        raise Http404
    as_of = today()
    invoices = list(disputable_invoices(customer))
    owners = possible_owners(customer)
    if request.method == "POST":
        form = DisputeOpenForm(request.POST, invoices=invoices, owners=owners)
        if form.is_valid():
            try:
                dispute = open_dispute(
                    customer=customer, opened_on=as_of, opened_by=user, **form.service_arguments()
                )
            except BadInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Dispute opened: its invoices are paused."))
                return redirect("dispute-detail", dispute_id=dispute.pk)
        status = 400
    else:
        chosen = [value for value in request.GET.getlist("invoice") if value.isdigit()]
        form = DisputeOpenForm(
            initial={"invoices": chosen, "due_on": default_due_on(as_of)},
            invoices=invoices,
            owners=owners,
        )
        status = 200
    context = {"customer": customer, "form": form, "has_invoices": bool(invoices)}
    return render(request, "collaboration/disputes/new.html", context, status=status)


def _act(
    request: HttpRequest, dispute_id: int, action: Callable[[User, Dispute], str]
) -> HttpResponse:
    """Run one change on a dispute the user may see; say how it went on the dispute's page."""
    user = acting_user(request)
    dispute = _visible(user, dispute_id)
    try:
        done = action(user, dispute)
    except BadInput as error:
        messages.error(request, str(error))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)
    return redirect("dispute-detail", dispute_id=dispute.pk)


@login_required
@require_POST
def dispute_move_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    form = DisputeMoveForm(request.POST)

    def move(user: User, dispute: Dispute) -> str:
        if not form.is_valid():
            raise BadInput(_("status: choose what happens to the dispute"))
        to, comment = form.cleaned_data["to"], form.cleaned_data.get("comment") or ""
        step = {
            DisputeStatus.INVESTIGATING: start_investigation,
            DisputeStatus.REJECTED: reject_dispute,
            DisputeStatus.WITHDRAWN: withdraw_dispute,
        }[to]
        moved = step(dispute=dispute, by=user, on=today(), comment=comment)
        if moved.is_active:
            return str(moved.get_status_display())
        return _("%(status)s: dunning resumes on its invoices.") % {
            "status": moved.get_status_display()
        }

    return _act(request, dispute_id, move)


@login_required
@require_POST
def dispute_assign_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    user = acting_user(request)
    dispute = _visible(user, dispute_id)
    form = DisputeAssignForm(request.POST, owners=possible_owners(dispute.customer))

    def assign(user: User, dispute: Dispute) -> str:
        if not form.is_valid():
            raise BadInput(_("owner: choose someone who sees this customer"))
        comment = form.cleaned_data.get("comment") or ""
        dispute = assign_dispute(
            dispute=dispute, owner=form.chosen_owner(), by=user, on=today(), comment=comment
        )
        due_on = form.cleaned_data.get("due_on")
        if due_on:
            set_dispute_due_date(dispute=dispute, due_on=due_on, by=user, on=today())
        return _("Saved.")

    return _act(request, dispute_id, assign)


@login_required
@require_POST
def dispute_credit_note_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    user = acting_user(request)
    dispute = _visible(user, dispute_id)
    form = DisputeCreditNoteForm(
        request.POST, credit_notes=list(customer_credit_notes(dispute.customer))
    )
    if not can_work_dispute(user, dispute):
        raise Http404
    if form.is_valid():
        try:
            resolve_dispute_by_credit_note(
                dispute=dispute, by=user, on=today(), **form.service_arguments()
            )
        except BadInput as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Resolved by credit note: dunning resumes on what is still open."),
            )
            return redirect("dispute-detail", dispute_id=dispute.pk)
    dispute = _visible(user, dispute.pk)  # as it is now: the refused change was rolled back
    context = _detail_context(user, dispute, credit_form=form)
    return render(request, "collaboration/disputes/detail.html", context, status=400)


@login_required
@require_POST
def dispute_comment_view(request: HttpRequest, dispute_id: int) -> HttpResponse:
    form = DisputeCommentForm(request.POST)

    def comment(user: User, dispute: Dispute) -> str:
        if not form.is_valid():
            raise BadInput(_("comment: write something"))
        comment_dispute(dispute=dispute, by=user, on=today(), comment=form.cleaned_data["comment"])
        return _("Comment added.")

    return _act(request, dispute_id, comment)


def customer_disputes_panel(request: HttpRequest, customer: Customer) -> str:
    """The disputes part of the customer page: its disputes and the button to open one."""
    user = acting_user(request)
    return render_to_string(
        "collaboration/disputes/_customer_panel.html",
        {
            "customer": customer,
            "disputes": customer_disputes(customer),
            "may_open": can_open_disputes(user),
            "disputable": list(disputable_invoices(customer)),
            "today": today(),
        },
        request=request,
    )

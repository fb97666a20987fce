"""From the customer page: the promises panel, record a promise, record a call. Thin adapters
over ``collaboration.promises`` and ``collaboration.calls``; the customer is fetched through
the user's portfolio (404 outside it, and for whoever only reads)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user, is_read_only
from encaisse.collaboration.calls import invoices_to_call_about, record_call
from encaisse.collaboration.forms import PromiseForm, TaskOutcomeForm
from encaisse.collaboration.models import CallOutcome
from encaisse.collaboration.promises import (
    customer_promises,
    paused_until,
    promise_keeping,
    record_promise,
)
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers


def customer_promises_panel(request: HttpRequest, customer: Customer) -> str:
    """The customer page's "Promises" panel: how the customer keeps its promises, the latest
    ones, and the buttons to record a promise or a call."""
    user = acting_user(request)
    return render_to_string(
        "collaboration/_promises_panel.html",
        {
            "customer": customer,
            "promises": customer_promises(customer),
            "keeping": promise_keeping(customer),
            "can_record": not is_read_only(user),
            "receivable": customer.invoices.receivable().order_by("due_date", "number")[:20],
        },
        request=request,
    )


def _customer_to_act_on(user: User, customer_pk: int) -> Customer:
    if is_read_only(user):
        raise Http404
    return get_object_or_404(visible_customers(user), pk=customer_pk)


@login_required
def promise_new_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Record a promise to pay; ``?invoice=ID`` starts from that invoice alone."""
    user = acting_user(request)
    customer = _customer_to_act_on(user, customer_pk)
    as_of = today()
    open_invoices = customer.invoices.receivable().order_by("due_date", "number")
    chosen = request.GET.get("invoice", "")
    initial_invoices = (
        list(open_invoices.filter(pk=int(chosen)))
        if chosen.isdigit()
        else list(open_invoices.overdue(as_of))
    )
    form = PromiseForm(
        request.POST if request.method == "POST" else None,
        invoices=open_invoices,
        today=as_of,
        initial={"invoices": initial_invoices},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise = record_promise(
                customer=customer,
                invoices=list(data["invoices"]),
                promised_for=data["promised_for"],
                amount=data["amount"],
                recorded_on=as_of,
                recorded_by=user,
                note=data["note"] or "",
            )
        except BadInput as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Promise to pay recorded: no reminder on these invoices until %(day)s.")
                % {
                    "day": formats.date_format(
                        paused_until(promise.promised_for), "SHORT_DATE_FORMAT"
                    )
                },
            )
            return redirect(reverse("customer-detail", args=[customer.pk]) + "#promises")
    context = {
        "customer": customer,
        "form": form,
        "today": as_of,
        "open_total": sum((i.open_amount for i in initial_invoices), ZERO),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "collaboration/promise_form.html", context, status=status)


@login_required
def call_new_view(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Record a call made to the customer, and how it went."""
    user = acting_user(request)
    customer = _customer_to_act_on(user, customer_pk)
    as_of = today()
    form = TaskOutcomeForm(request.POST if request.method == "POST" else None, today=as_of)
    if request.method == "POST" and form.is_valid():
        try:
            task = record_call(customer=customer, by=user, on=as_of, **form.service_arguments())
        except PermissionDenied:
            raise Http404 from None
        except BadInput as error:
            form.add_service_error(error)
        else:
            outcome = CallOutcome(task.outcome).label
            messages.success(
                request,
                _("%(customer)s: %(outcome)s, saved.")
                % {"customer": customer.name, "outcome": outcome},
            )
            return redirect(reverse("customer-detail", args=[customer.pk]) + "#promises")
    invoices = invoices_to_call_about(customer, as_of)
    contact = customer.contacts.exclude(phone="").order_by("-is_primary", "pk").first()
    context = {
        "contact": contact,
        "phone": contact.phone if contact else customer.phone,
        "customer": customer,
        "form": form,
        "today": as_of,
        "invoices": invoices,
        "open_amount": sum((i.open_amount for i in invoices), ZERO),
        "currency": invoices[0].currency if invoices else "EUR",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "collaboration/call_form.html", context, status=status)

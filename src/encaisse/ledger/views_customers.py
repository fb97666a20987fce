"""Finance edits a customer's collection data and contacts: thin adapters over
ledger.services.customers, for those ``can_edit_customer`` allows, within their scope."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.decorators import allowed_or_404
from encaisse.accounts.permissions import acting_user, can_edit_customer
from encaisse.ledger.forms import ContactForm, CustomerEditForm
from encaisse.ledger.models import Contact, Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import customer_changes
from encaisse.ledger.services import (
    InvalidCustomer,
    remove_contact,
    save_contact,
    update_customer,
)

customer_editors_only = allowed_or_404(can_edit_customer)


def _customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(
        visible_customers(acting_user(request)).select_related("entity", "sales_rep", "agency"),
        pk=pk,
    )


def _contact(customer: Customer, contact_pk: int) -> Contact:
    contact = customer.contacts.filter(pk=contact_pk).first()
    if contact is None:
        raise Http404
    return contact


@customer_editors_only
def customer_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    initial = {
        "sales_rep": customer.sales_rep_id,
        "agency": customer.agency_id,
        "segment": customer.segment,
        "payment_terms_days": customer.payment_terms_days,
        "credit_limit": customer.credit_limit,
        "email": customer.email,
        "phone": customer.phone,
    }
    form = CustomerEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changes = update_customer(
                    customer=customer, edit=form.edit(), changed_by=acting_user(request)
                )
            except InvalidCustomer as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Customer saved.") if changes else _("Nothing to change: saved as it was."),
                )
                return redirect("customer-detail", pk=customer.pk)
        status = 400
    context = {
        "customer": customer,
        "form": form,
        "contacts": customer.contacts.all(),
        "changes": customer_changes(customer),
    }
    return render(request, "ledger/customer_edit.html", context, status=status)


@customer_editors_only
def contact_edit_view(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    customer = _customer(request, pk)
    contact = _contact(customer, contact_pk) if contact_pk is not None else None
    initial = (
        {
            "name": contact.name,
            "job_title": contact.job_title,
            "email": contact.email,
            "phone": contact.phone,
            "receives_reminders": contact.is_primary,
        }
        if contact is not None
        else {"receives_reminders": not customer.contacts.exists()}
    )
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_contact(
                    customer=customer,
                    contact=contact,
                    edit=form.edit(),
                    changed_by=acting_user(request),
                )
            except InvalidCustomer as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("customer-edit", pk=customer.pk)
        status = 400
    context = {"customer": customer, "contact": contact, "form": form}
    return render(request, "ledger/contact_form.html", context, status=status)


@customer_editors_only
@require_POST
def contact_remove_view(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    contact = _contact(customer, contact_pk)
    remove_contact(contact=contact, changed_by=acting_user(request))
    messages.success(request, _("Contact %(name)s removed.") % {"name": contact.name})
    return redirect("customer-edit", pk=customer.pk)

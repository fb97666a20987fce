"""A customer's collection data as finance edits it in the app, each change recorded (who,
when, from what to what); and its contacts. An import later overwrites only the fields its
file carries (imports.loaders.customers)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.accounts.models import Agency, User
from encaisse.accounts.permissions import can_hold_portfolio
from encaisse.core.emails import is_email_address
from encaisse.ledger.models import Contact, Customer, CustomerChange, Segment
from encaisse.ledger.services.entities import InvalidLegalEntity

MAX_PAYMENT_TERMS_DAYS = 365


class InvalidCustomer(InvalidLegalEntity):
    """Customer input refused; ``errors`` maps each field at fault to why."""


@dataclass(frozen=True)
class CustomerEdit:
    """What finance may change on a customer in the app."""

    sales_rep: User | None
    agency: Agency | None
    segment: str
    payment_terms_days: int
    credit_limit: Decimal | None
    email: str = ""
    phone: str = ""


def _shown(value: object) -> str:
    """A value as the history keeps it: a person or an agency by name, an amount as digits
    (formatted for the reader when shown), empty for none."""
    if value is None:
        return ""
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, Agency):
        return value.name
    return str(value)[:300]


def _check(edit: CustomerEdit) -> dict[str, str]:
    errors: dict[str, str] = {}
    if edit.sales_rep is not None and not can_hold_portfolio(edit.sales_rep):
        errors["sales_rep"] = _("%(user)s is not an active sales rep") % {
            "user": _shown(edit.sales_rep)
        }
    if edit.segment not in Segment.values:
        errors["segment"] = _("%(value)s is not a segment") % {"value": edit.segment}
    if not 0 <= edit.payment_terms_days <= MAX_PAYMENT_TERMS_DAYS:
        errors["payment_terms_days"] = _("between 0 and %(max)s days") % {
            "max": MAX_PAYMENT_TERMS_DAYS
        }
    if edit.credit_limit is not None and edit.credit_limit < 0:
        errors["credit_limit"] = _("a credit limit cannot be negative")
    if edit.email and not is_email_address(edit.email):
        errors["email"] = _("%(value)s is not an e-mail address") % {"value": edit.email}
    return errors


@transaction.atomic
def update_customer(
    *, customer: Customer, edit: CustomerEdit, changed_by: User
) -> list[CustomerChange]:
    """Apply finance's edit to the customer; the changes made, each recorded for its
    timeline. Nothing changes when a field is refused (InvalidCustomer says which, why)."""
    errors = _check(edit)
    if errors:
        raise InvalidCustomer(errors)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    wanted = {
        "sales_rep": edit.sales_rep,
        "agency": edit.agency,
        "segment": edit.segment,
        "payment_terms_days": edit.payment_terms_days,
        "credit_limit": edit.credit_limit,
        "email": edit.email.strip(),
        "phone": edit.phone.strip(),
    }
    changes = []
    for name, value in wanted.items():
        before = getattr(customer, name)
        if before == value:
            continue
        changes.append(
            CustomerChange(
                customer=customer,
                field=name,
                before=_shown(before),
                after=_shown(value),
                changed_by=changed_by,
            )
        )
        setattr(customer, name, value)
    if changes:
        customer.save(update_fields=[*(change.field for change in changes), "updated_at"])
        CustomerChange.objects.bulk_create(changes)
    return changes


@dataclass(frozen=True)
class ContactEdit:
    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    receives_reminders: bool = False


def _contact_summary(contact: Contact | None) -> str:
    if contact is None:
        return ""
    parts = [contact.name, contact.job_title, contact.email, contact.phone]
    return " · ".join(part for part in parts if part)[:300]


@transaction.atomic
def save_contact(
    *, customer: Customer, edit: ContactEdit, changed_by: User, contact: Contact | None = None
) -> Contact:
    """Add a contact to the customer, or change one of its contacts. The contact who
    receives reminders is one per customer: choosing one unsets the others."""
    errors: dict[str, str] = {}
    if not edit.name.strip():
        errors["name"] = _("give the contact's name")
    if edit.email and not is_email_address(edit.email.strip()):
        errors["email"] = _("%(value)s is not an e-mail address") % {"value": edit.email}
    if edit.receives_reminders and not (edit.email.strip() or edit.phone.strip()):
        errors["email"] = _("reminders go to this contact's e-mail or phone: give one")
    if contact is not None and contact.customer_id != customer.pk:
        errors["contact"] = _("this contact belongs to another customer")
    if errors:
        raise InvalidCustomer(errors)
    before = _contact_summary(contact) if contact is not None else ""
    contact = contact or Contact(customer=customer)
    contact.name = edit.name.strip()
    contact.job_title = edit.job_title.strip()
    contact.email = edit.email.strip()
    contact.phone = edit.phone.strip()
    contact.is_primary = edit.receives_reminders
    contact.save()
    if contact.is_primary:
        customer.contacts.exclude(pk=contact.pk).update(is_primary=False)
    after = _contact_summary(contact)
    if before != after or not before:
        CustomerChange.objects.create(
            customer=customer, field="contact", before=before, after=after, changed_by=changed_by
        )
    return contact


@transaction.atomic
def remove_contact(*, contact: Contact, changed_by: User) -> None:
    """Remove a contact; the history keeps who it was."""
    CustomerChange.objects.create(
        customer=contact.customer,
        field="contact",
        before=_contact_summary(contact),
        after="",
        changed_by=changed_by,
    )
    contact.delete()

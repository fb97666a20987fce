"""The one service that changes a customer's limits (finance's edit, an approved limit
request), each change recorded; and the orders not yet invoiced the ERP (later the API)
sends. The permanent amount stays ``Customer.credit_limit``, changed through the ledger's
``update_customer`` so that it is recorded like any change of the customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from encaisse.accounts.models import User
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.ledger.models import Customer
from encaisse.ledger.services import CustomerEdit, InvalidCustomer, update_customer
from encaisse.risk.limit_alerts import alert_limit_crossings
from encaisse.risk.models_limits import CustomerLimits, LimitChange

MAX_DAYS = 3650


@dataclass(frozen=True)
class LimitsEdit:
    """A customer's limits as finance sets them (None: no such limit)."""

    credit_limit: Decimal | None
    temporary_limit: Decimal | None = None
    temporary_until: dt.date | None = None
    oldest_days_limit: int | None = None
    average_days_limit: int | None = None
    uninvoiced_orders: Decimal | None = None  # None: left as it is


def limits_of(customer: Customer) -> CustomerLimits:
    """The customer's limits row (unsaved and empty when it has none yet)."""
    return CustomerLimits.objects.filter(customer=customer).first() or CustomerLimits(
        customer=customer
    )


def current_edit(customer: Customer) -> LimitsEdit:
    limits = limits_of(customer)
    return LimitsEdit(
        credit_limit=customer.credit_limit,
        temporary_limit=limits.temporary_limit,
        temporary_until=limits.temporary_until,
        oldest_days_limit=limits.oldest_days_limit,
        average_days_limit=limits.average_days_limit,
        uninvoiced_orders=limits.uninvoiced_orders,
    )


def _check(edit: LimitsEdit, *, today: dt.date) -> None:
    if edit.credit_limit is not None and edit.credit_limit < 0:
        raise BadInput(sentence("credit limit: a credit limit cannot be negative"))
    if edit.uninvoiced_orders is not None and edit.uninvoiced_orders < 0:
        raise BadInput(sentence("orders not yet invoiced: the amount cannot be negative"))
    if edit.temporary_limit is not None and edit.temporary_limit < 0:
        raise BadInput(sentence("temporary limit: a credit limit cannot be negative"))
    if (edit.temporary_limit is None) != (edit.temporary_until is None):
        raise BadInput(sentence("temporary limit: give both the amount and the end date"))
    if edit.temporary_until is not None and edit.temporary_until < today:
        raise BadInput(
            sentence(
                "until: the end date is in the past (%(day)s)", day=edit.temporary_until.isoformat()
            )
        )
    if edit.oldest_days_limit is not None and not 0 <= edit.oldest_days_limit <= MAX_DAYS:
        raise BadInput(sentence("oldest days limit: between 0 and %(most)s days", most=MAX_DAYS))
    if edit.average_days_limit is not None and not 0 <= edit.average_days_limit <= MAX_DAYS:
        raise BadInput(sentence("average days limit: between 0 and %(most)s days", most=MAX_DAYS))


def _shown(value: object) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def change_limits(
    *, customer: Customer, edit: LimitsEdit, changed_by: User, today: dt.date
) -> list[str]:
    """Set the customer's limits; the names of the fields changed, each change recorded
    (the amount in the ledger's history, the others in risk's). Bad input raises BadInput
    naming the field; nothing changes then. The customer's limit alerts are re-checked."""
    _check(edit, today=today)
    customer = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("sales_rep", "agency")
        .get(pk=customer.pk)
    )
    changed = []
    if edit.credit_limit != customer.credit_limit:
        try:
            update_customer(
                customer=customer,
                edit=CustomerEdit(
                    sales_rep=customer.sales_rep,
                    agency=customer.agency,
                    segment=customer.segment,
                    payment_terms_days=customer.payment_terms_days,
                    credit_limit=edit.credit_limit,
                    email=customer.email,
                    phone=customer.phone,
                ),
                changed_by=changed_by,
            )
        except InvalidCustomer as error:  # another field of the customer refused
            raise BadInput(str(error)) from error
        changed.append("credit_limit")
    limits = limits_of(customer)
    records = []
    for name in ("temporary_limit", "temporary_until", "oldest_days_limit", "average_days_limit"):
        before, after = getattr(limits, name), getattr(edit, name)
        if before != after:
            records.append(
                LimitChange(
                    customer=customer,
                    field=name,
                    before=_shown(before),
                    after=_shown(after),
                    changed_by=changed_by,
                )
            )
            setattr(limits, name, after)
    if edit.uninvoiced_orders is not None and edit.uninvoiced_orders != limits.uninvoiced_orders:
        records.append(
            LimitChange(
                customer=customer,
                field="uninvoiced_orders",
                before=_shown(limits.uninvoiced_orders),
                after=_shown(edit.uninvoiced_orders),
                changed_by=changed_by,
            )
        )
        limits.uninvoiced_orders = edit.uninvoiced_orders
        limits.uninvoiced_as_of = today
    if records:
        limits.save()
        LimitChange.objects.bulk_create(records)
        changed.extend(record.field for record in records)
    if changed:
        alert_limit_crossings(as_of=today, customers=Customer.objects.filter(pk=customer.pk))
    return changed


@transaction.atomic
def record_uninvoiced_orders(
    *, customer: Customer, amount: Decimal, as_of: dt.date, changed_by: User | None = None
) -> CustomerLimits:
    """The orders the customer placed that are not invoiced yet (the ERP's figure on
    ``as_of``), counted in its exposure. A figure older than the one kept is ignored."""
    if amount < 0:
        raise BadInput(sentence("orders not yet invoiced: the amount cannot be negative"))
    limits = limits_of(customer)
    if limits.uninvoiced_as_of is not None and as_of < limits.uninvoiced_as_of:
        return limits
    if limits.uninvoiced_orders != amount:
        LimitChange.objects.create(
            customer=customer,
            field="uninvoiced_orders",
            before=_shown(limits.uninvoiced_orders),
            after=_shown(amount),
            changed_by=changed_by,
        )
    limits.uninvoiced_orders = amount
    limits.uninvoiced_as_of = as_of
    limits.save()
    alert_limit_crossings(as_of=as_of, customers=Customer.objects.filter(pk=customer.pk))
    return limits

"""Finance reconciles by hand what the import could not match: a line to a customer's
invoices, or a line set aside."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from encaisse.accounts.models import User
from encaisse.banking.models import (
    BankLine,
    CustomerIban,
    LineStatus,
    MatchMethod,
)
from encaisse.banking.parsers.wording import compact_iban
from encaisse.banking.services.payments import payment_reference
from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.ledger.events import announce_payments_received
from encaisse.ledger.models import Allocation, Customer, Invoice, Payment
from encaisse.ledger.services import allocate
from encaisse.ledger.signals import invoices_paid, is_news


@transaction.atomic
def reconcile_line(
    *, line: BankLine, customer: Customer, invoices: Sequence[Invoice], user: User
) -> BankLine:
    """Finance says whose payment a credit is and which invoices it pays.

    The payment is created (or given to that customer), lettered to the invoices oldest due
    first up to its amount (what is left stays unallocated on the customer's account), and
    the sender's IBAN is remembered for the customer.
    """
    line = BankLine.objects.select_for_update().select_related("account").get(pk=line.pk)
    if line.status != LineStatus.TO_RECONCILE:
        raise BadInput(sentence("this line was already dealt with (refresh the page)"))
    if not line.is_credit:
        raise BadInput(sentence("a debit is not a customer payment"))
    if customer.entity_id != line.account.entity_id:
        raise BadInput(
            sentence(
                "%(customer)s is a customer of another legal entity than this account",
                customer=customer.name,
            )
        )
    payment = _payment_for(line, customer)
    left = payment.unallocated_amount
    ordered = sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.number))
    paid: dict[int, Decimal] = {}
    for invoice in ordered:
        if invoice.customer_id != customer.pk:
            raise BadInput(
                sentence(
                    "%(number)s is not an invoice of %(customer)s",
                    number=invoice.number,
                    customer=customer.name,
                )
            )
        if left <= 0:
            break
        current = Invoice.objects.get(pk=invoice.pk)
        amount = min(left, current.open_amount)
        if amount <= 0:
            continue
        allocate(invoice=current, payment=payment, amount=amount)
        paid[current.pk] = amount
        left -= amount
    line.status = LineStatus.MATCHED
    line.match_method = MatchMethod.MANUAL
    line.reconciled_by = user
    line.reconciled_at = timezone.now()
    line.save(update_fields=["status", "match_method", "reconciled_by", "reconciled_at"])
    if paid and is_news(payment.date):  # the rep hears of it (collaboration listens)
        invoices_paid.send(sender=BankLine, allocated=paid)
    iban = compact_iban(line.counterparty_iban)
    if iban:
        CustomerIban.objects.get_or_create(
            customer=customer, iban=iban, defaults={"learned_from": line}
        )
    return line


def _payment_for(line: BankLine, customer: Customer) -> Payment:
    payment = (
        Payment.objects.select_for_update().filter(pk=line.payment_id).first()
        if line.payment_id
        else None
    )
    if payment is not None:
        if payment.customer_id != customer.pk:
            if Allocation.objects.filter(payment=payment).exists():
                raise BadInput(
                    sentence(
                        "payment %(reference)s is already lettered to %(customer)s",
                        reference=payment.reference,
                        customer=payment.customer.name,
                    )
                )
            payment.customer = customer
            payment.save(update_fields=["customer"])
        return payment
    reference = payment_reference(line, line.unique_key)
    if Payment.objects.filter(entity_id=line.account.entity_id, reference=reference).exists():
        reference = f"{reference[:60]}-{line.unique_key[:12]}"
    payment = Payment.objects.create(
        entity_id=line.account.entity_id,
        customer=customer,
        reference=reference,
        date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        unallocated_amount=line.amount,
    )
    line.payment = payment
    line.save(update_fields=["payment"])
    announce_payments_received([payment])
    return payment


@transaction.atomic
def ignore_line(*, line: BankLine, user: User) -> BankLine:
    """Finance says a credit is not a customer payment (a refund, a transfer between the
    group's accounts...): it leaves the queue, and the payment made for it, if any, goes."""
    line = BankLine.objects.select_for_update().get(pk=line.pk)
    if line.status != LineStatus.TO_RECONCILE:
        raise BadInput(sentence("this line was already dealt with (refresh the page)"))
    payment_id = line.payment_id
    if payment_id and Allocation.objects.filter(payment_id=payment_id).exists():
        raise BadInput(sentence("the payment of this line is already lettered"))
    line.status = LineStatus.IGNORED
    line.match_method = MatchMethod.NOT_A_CUSTOMER
    line.payment = None
    line.reconciled_by = user
    line.reconciled_at = timezone.now()
    line.save(update_fields=["status", "match_method", "payment", "reconciled_by", "reconciled_at"])
    if payment_id:
        Payment.objects.filter(pk=payment_id).delete()
    return line

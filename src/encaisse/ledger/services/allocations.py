"""Lettering: allocations of payments, credit notes and refunds, and returned payments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model

from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, to_money
from encaisse.ledger.events import announce_payment_returned
from encaisse.ledger.models import (
    Allocation,
    Invoice,
    InvoiceKind,
    Payment,
)
from encaisse.ledger.services.balances import _chunks, refresh_balances


@transaction.atomic
def allocate(
    *,
    invoice: Invoice,
    amount: Decimal,
    payment: Payment | None = None,
    credit_note: Invoice | None = None,
    on: dt.date | None = None,
) -> Allocation:
    """Letter ``amount`` (positive) of a payment or a credit note against an invoice, or of a
    refund (a negative payment) against the credit note it pays back.

    The allocation is dated ``on`` (default: the later of the two documents' dates); the
    open amounts of both sides are refreshed.
    """
    if (payment is None) == (credit_note is None):
        raise BadInput("allocation: give either a payment or a credit note")
    amount = to_money(amount)
    if amount <= 0:
        raise BadInput(f"amount: {amount} must be positive")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if payment is not None:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = payment.is_refund
        settles = InvoiceKind.CREDIT_NOTE if refund else InvoiceKind.INVOICE
        if invoice.kind != settles:
            raise BadInput(
                f"invoice: a refund settles a credit note, {invoice.number} is an invoice"
                if refund
                else f"invoice: {invoice.number} is a credit note, not an invoice"
            )
        source_customer, source_currency = payment.customer_id, payment.currency
        source_date = payment.date
        if amount > abs(payment.unallocated_amount):
            raise BadInput(
                f"amount: {amount} exceeds the unallocated {abs(payment.unallocated_amount)} "
                f"of {'refund' if refund else 'payment'} {payment}"
            )
        signed = -amount if refund else amount
    elif credit_note is not None:
        if invoice.kind != InvoiceKind.INVOICE:
            raise BadInput(f"invoice: {invoice.number} is a credit note, not an invoice")
        credit_note = Invoice.objects.select_for_update().get(pk=credit_note.pk)
        if credit_note.kind != InvoiceKind.CREDIT_NOTE:
            raise BadInput(f"credit_note: {credit_note.number} is not a credit note")
        source_customer, source_currency = credit_note.customer_id, credit_note.currency
        source_date = credit_note.issue_date
        if amount > -credit_note.open_amount:
            raise BadInput(
                f"amount: {amount} exceeds what is left of credit note {credit_note} "
                f"({-credit_note.open_amount})"
            )
        signed = amount
    if amount > abs(invoice.open_amount) or invoice.open_amount * signed < 0:
        raise BadInput(
            f"amount: {amount} exceeds the open amount {abs(invoice.open_amount)} of {invoice}"
        )
    if source_customer != invoice.customer_id:
        raise BadInput("allocation: the invoice and the payment belong to different customers")
    if source_currency != invoice.currency:
        raise BadInput(f"allocation: currencies differ ({invoice.currency} and {source_currency})")
    allocation = Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        credit_note=credit_note,
        amount=signed,
        date=on or max(invoice.issue_date, source_date),
    )
    refresh_balances(
        invoice_ids=[invoice.pk] + ([credit_note.pk] if credit_note else []),
        payment_ids=[payment.pk] if payment else [],
    )
    return allocation


@transaction.atomic
def record_payment_return(
    *, payment: Payment, returned_on: dt.date, reference: str, reason: str = ""
) -> Payment:
    """The bank took ``payment`` back on ``returned_on`` (an impayé: a returned transfer, a
    rejected direct debit). A negative payment records the money going out again, and its
    allocations undo the payment's from ``returned_on``: the invoices are open again from
    that day, with their own due dates (before it, the aged balance still shows them paid).

    Recorded once: the same ``reference`` again (a statement imported twice) changes nothing.
    """
    existing = Payment.objects.filter(entity_id=payment.entity_id, reference=reference).first()
    if existing is not None:
        if existing.returns_id == payment.pk:
            return existing
        raise BadInput(f"reference: {reference} is already another payment")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.amount <= 0 or payment.returns_id is not None:
        raise BadInput(f"payment: {payment} is not money received, it cannot be returned")
    if payment.returned_by.exists():
        raise BadInput(f"payment: {payment} was already returned")
    if returned_on < payment.date:
        raise BadInput(f"date: a payment of {payment.date} cannot be returned on {returned_on}")
    back = Payment.objects.create(
        entity_id=payment.entity_id,
        customer_id=payment.customer_id,
        reference=reference[:80],
        date=returned_on,
        amount=-payment.amount,
        currency=payment.currency,
        unallocated_amount=-payment.amount,
        returns=payment,
        return_reason=reason.strip().upper()[:4],
    )
    undone = Allocation.objects.bulk_create(
        Allocation(invoice_id=allocation.invoice_id, payment=back, amount=-allocation.amount,
                   date=max(returned_on, allocation.date))
        for allocation in Allocation.objects.filter(payment=payment)
    )  # fmt: skip
    refresh_balances(
        invoice_ids=sorted({allocation.invoice_id for allocation in undone}),
        payment_ids=[back.pk],
    )
    announce_payment_returned(back)
    return back


@dataclass
class Lettered:
    """A document of a lettering group with what it may still settle (positive): what is
    open (invoice, credit note) or unallocated (payment, refund), capped by what the
    lettering says of it where it says an amount (a FEC's line)."""

    kind: str  # invoice, credit_note, payment, refund (money paid back to the customer)
    pk: int
    left: Decimal
    on: dt.date  # its date: issued, or paid
    order: dt.date  # its place in the group: an invoice by its due date, or its line's date
    currency: str


@dataclass
class LetteringReport:
    groups: int = 0
    allocations: int = 0
    partial_groups: int = 0  # what the group leaves stays open


def letter_by_codes(*, entity_id: int, codes: Iterable[str]) -> LetteringReport:
    """The ERP's lettering: within one customer and currency, the open documents that share
    a lettering code settle each other, as the accountant lettered them (``settle_lettered``;
    invoices oldest due first).

    What is already settled has nothing left to give, so lettering the same codes again
    allocates nothing. Set-based: the groups are read in one query per chunk of codes, the
    allocations written in bulk, the caches refreshed once.
    """
    wanted = sorted({code.strip() for code in codes if code and code.strip()})
    report = LetteringReport()
    if not wanted:
        return report
    groups: dict[tuple[int, str], list[Lettered]] = defaultdict(list)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for pk, customer_id, code, currency, kind, left, due, issued in (
            Invoice.objects.open().filter(entity_id=entity_id, lettering_code__in=chunk)
            .exclude(open_amount=0)
            .values_list(
                "pk", "customer_id", "lettering_code", "currency", "kind", "open_amount",
                "due_date", "issue_date",
            )
        ):  # fmt: skip
            credit = kind == InvoiceKind.CREDIT_NOTE
            groups[(customer_id, code)].append(
                Lettered("credit_note" if credit else "invoice", pk, abs(left), issued,
                         issued if credit else due, currency)
            )  # fmt: skip
        for pk, customer_id, code, currency, left, paid_on in (
            Payment.objects.open()
            .filter(entity_id=entity_id, lettering_code__in=chunk)
            .exclude(unallocated_amount=0)
            .values_list(
                "pk", "customer_id", "lettering_code", "currency", "unallocated_amount", "date"
            )
        ):
            groups[(customer_id, code)].append(
                Lettered(
                    "refund" if left < 0 else "payment", pk, abs(left), paid_on, paid_on, currency
                )
            )
    allocations: list[Allocation] = []
    for documents in groups.values():
        report.groups += 1
        allocations += settle_lettered(documents)
        if any(document.left for document in documents):
            report.partial_groups += 1
    report.allocations = len(record_allocations(allocations))
    return report


def settleable(available: Decimal, still_open: Decimal) -> Decimal:
    """What a payment with ``available`` unallocated can settle of a document with
    ``still_open``: the smaller of the two when they have the same sign (a payment and an
    invoice, or a refund and a credit note), else nothing. Signed like the two."""
    if available * still_open <= 0:
        return ZERO
    return min(available, still_open, key=abs)


def record_allocations(allocations: list[Allocation]) -> list[Allocation]:
    """Write allocations decided in bulk (a bank statement, a FEC's lettering, lettering
    codes), set-based: each dated no earlier than the document it settles was issued, then
    the open amounts of everything they touch refreshed. The one way lettering made in bulk
    reaches the ledger (``allocate`` is the one for a single allocation)."""
    if not allocations:
        return []
    issued: dict[int, dt.date] = {}
    for chunk in _chunks(sorted({allocation.invoice_id for allocation in allocations})):
        issued.update(Invoice.objects.filter(pk__in=chunk).values_list("pk", "issue_date"))
    for allocation in allocations:
        allocation.date = max(allocation.date, issued[allocation.invoice_id])
    Allocation.objects.bulk_create(allocations, batch_size=1000)
    refresh_balances(
        invoice_ids=sorted(
            {a.invoice_id for a in allocations}
            | {a.credit_note_id for a in allocations if a.credit_note_id}
        ),
        # A payment nothing was lettered to is already right (unallocated = amount).
        payment_ids=sorted({a.payment_id for a in allocations if a.payment_id}),
    )
    return allocations


def settle_lettered(documents: list[Lettered]) -> list[Allocation]:
    """The allocations that settle one lettering group (one customer's documents that share
    a letter or a code): the one rule of lettering, for lettering codes and the FEC alike.

    In each currency, invoices in their order are settled by credit notes, then payments,
    each in its order; a refund (money paid back) settles a credit note. Each allocation is
    dated the later of its two documents' dates. Pure: it only lowers the documents'
    ``left``; what is still left afterwards stays open.
    """
    allocations: list[Allocation] = []
    ordered = sorted(documents, key=lambda d: (d.order, d.pk))

    def take(debit: Lettered, sources: list[Lettered]) -> None:
        for source in sources:
            if debit.left <= 0:
                return
            share = min(debit.left, source.left)
            if share <= 0 or source.currency != debit.currency:
                continue
            debit.left -= share
            source.left -= share
            on = max(debit.on, source.on)
            if debit.kind == "refund":  # the credit note settled by money paid back
                allocations.append(
                    Allocation(invoice_id=source.pk, payment_id=debit.pk, amount=-share, date=on)
                )
            else:
                allocations.append(
                    Allocation(
                        invoice_id=debit.pk,
                        payment_id=source.pk if source.kind == "payment" else None,
                        credit_note_id=source.pk if source.kind == "credit_note" else None,
                        amount=share,
                        date=on,
                    )
                )

    notes = [d for d in ordered if d.kind == "credit_note"]
    payments = [d for d in ordered if d.kind == "payment"]
    for debit in ordered:
        if debit.kind == "invoice":
            take(debit, notes + payments)
        elif debit.kind == "refund":
            take(debit, notes)
    return allocations


def record_allocations_selected(*, select: str, params: Sequence[Any] = ()) -> int:
    """Write the allocations a query yields, as ``record_allocations`` writes those in
    memory, for an import's million rows: one INSERT ... SELECT, then the open amounts of
    what they touch refreshed. ``select`` yields the columns ``invoice_id``, ``payment_id``,
    ``credit_note_id``, ``amount`` and ``on_date``; each allocation is dated no earlier than
    the document it settles was issued. The number of allocations written."""
    allocation, invoice = (
        connection.ops.quote_name(m._meta.db_table) for m in (Allocation, Invoice)
    )
    columns = ", ".join(
        _column(Allocation, name)
        for name in ("invoice", "payment", "credit_note", "amount", "date")
    )
    issued = _column(Invoice, "issue_date")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {allocation} ({columns}) "  # noqa: S608
            # Cast: a NULL column of the query has no type of its own on PostgreSQL.
            "SELECT s.invoice_id, CAST(s.payment_id AS BIGINT), "
            "CAST(s.credit_note_id AS BIGINT), s.amount, "
            f"CASE WHEN s.on_date < i.{issued} THEN i.{issued} ELSE s.on_date END "
            f"FROM ({select}) s JOIN {invoice} i ON i.id = s.invoice_id",
            params,
        )
        written = int(cursor.rowcount)
        if not written:
            return 0
        cursor.execute(
            f"SELECT s.invoice_id, s.payment_id, s.credit_note_id FROM ({select}) s",  # noqa: S608
            params,
        )
        touched = cursor.fetchall()
    refresh_balances(
        invoice_ids=sorted({row[0] for row in touched} | {row[2] for row in touched if row[2]}),
        payment_ids=sorted({row[1] for row in touched if row[1]}),
    )
    return written


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 (a concrete field, not a relation's reverse)
    assert field.column  # noqa: S101
    return connection.ops.quote_name(field.column)

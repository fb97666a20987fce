"""Changes to the ledger. Every write that affects an open amount ends in refresh_balances."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, to_money
from encaisse.ledger.models import Allocation, Invoice, InvoiceDocument, InvoiceKind, Payment

_CHUNK = 900  # stays under SQLite's bound-parameter limit
MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def allocated_sum(allocations: QuerySet[Allocation], group_by: str) -> Coalesce:
    """SUM(amount) of the correlated ``allocations``, zero when there are none."""
    total = allocations.order_by().values(group_by).annotate(total=Sum("amount")).values("total")
    return Coalesce(
        Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
    )


def _last_allocation_date(allocations: QuerySet[Allocation], group_by: str) -> Subquery:
    last = allocations.order_by().values(group_by).annotate(last=Max("date")).values("last")
    return Subquery(last, output_field=DateField())


def refresh_balances(
    *, invoice_ids: Iterable[int] | None = None, payment_ids: Iterable[int] | None = None
) -> None:
    """Recompute the open-amount cache of the given invoices and payments (None: all of them).

    Set-based: a few UPDATE statements per kind of row, whatever the number of rows. The
    whole ledger is refreshed with one aggregate of the allocations joined to its rows, and
    only the rows whose cache changes are written.
    """
    if invoice_ids is None and payment_ids is None:
        _refresh_everything()
        return
    invoice_batches: list[list[int] | None] = (
        [None] if invoice_ids is None else list(_chunks(invoice_ids))
    )
    for batch in invoice_batches:
        invoices = Invoice.objects.all() if batch is None else Invoice.objects.filter(pk__in=batch)
        received = Allocation.objects.filter(invoice=OuterRef("pk"))
        given = Allocation.objects.filter(credit_note=OuterRef("pk"))
        invoices.update(
            # Rounded in SQL: SQLite computes with floats (1000 - 999.99 - 0.01 is not 0).
            open_amount=Round(
                F("amount")
                - allocated_sum(received, "invoice")
                + allocated_sum(given, "credit_note"),
                2,
                output_field=MONEY_FIELD,
            )
        )
        last_date = Coalesce(
            _last_allocation_date(received, "invoice"),
            _last_allocation_date(given, "credit_note"),
            F("issue_date"),
        )
        invoices.update(
            settled_on=Case(
                When(open_amount=0, then=last_date), default=None, output_field=DateField()
            )
        )
    payment_batches: list[list[int] | None] = (
        [None] if payment_ids is None else list(_chunks(payment_ids))
    )
    for batch in payment_batches:
        payments = Payment.objects.all() if batch is None else Payment.objects.filter(pk__in=batch)
        used = Allocation.objects.filter(payment=OuterRef("pk"))
        payments.update(
            unallocated_amount=Round(
                F("amount") - allocated_sum(used, "payment"), 2, output_field=MONEY_FIELD
            )
        )
        payments.update(
            settled_on=Case(
                When(unallocated_amount=0, then=_last_allocation_date(used, "payment")),
                default=None,
                output_field=DateField(),
            )
        )


_INVOICE_SQL = """
WITH moves AS (
    SELECT invoice_id AS id, -amount AS delta, date FROM {allocation}
    UNION ALL
    SELECT credit_note_id AS id, amount AS delta, date FROM {allocation}
    WHERE credit_note_id IS NOT NULL
), sums AS (
    SELECT id, ROUND(SUM(delta), 2) AS delta, MAX(date) AS last FROM moves GROUP BY id
)
UPDATE {invoice} SET
    open_amount = ROUND({invoice}.amount + sums.delta, 2),
    settled_on = CASE WHEN ROUND({invoice}.amount + sums.delta, 2) = 0 THEN sums.last END
FROM sums
WHERE sums.id = {invoice}.id
  AND ({invoice}.open_amount IS DISTINCT FROM ROUND({invoice}.amount + sums.delta, 2)
       OR {invoice}.settled_on IS DISTINCT FROM
          CASE WHEN ROUND({invoice}.amount + sums.delta, 2) = 0 THEN sums.last END)
"""
_UNALLOCATED_INVOICE_SQL = """
UPDATE {invoice} SET
    open_amount = amount,
    settled_on = CASE WHEN amount = 0 THEN issue_date END
WHERE NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.invoice_id = {invoice}.id)
  AND NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.credit_note_id = {invoice}.id)
  AND (open_amount IS DISTINCT FROM amount
       OR settled_on IS DISTINCT FROM CASE WHEN amount = 0 THEN issue_date END)
"""
_PAYMENT_SQL = """
WITH sums AS (
    SELECT payment_id AS id, ROUND(SUM(amount), 2) AS used, MAX(date) AS last
    FROM {allocation} WHERE payment_id IS NOT NULL GROUP BY payment_id
)
UPDATE {payment} SET
    unallocated_amount = ROUND({payment}.amount - sums.used, 2),
    settled_on = CASE WHEN ROUND({payment}.amount - sums.used, 2) = 0 THEN sums.last END
FROM sums
WHERE sums.id = {payment}.id
  AND ({payment}.unallocated_amount IS DISTINCT FROM ROUND({payment}.amount - sums.used, 2)
       OR {payment}.settled_on IS DISTINCT FROM
          CASE WHEN ROUND({payment}.amount - sums.used, 2) = 0 THEN sums.last END)
"""
_UNALLOCATED_PAYMENT_SQL = """
UPDATE {payment} SET unallocated_amount = amount, settled_on = NULL
WHERE NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.payment_id = {payment}.id)
  AND (unallocated_amount IS DISTINCT FROM amount OR settled_on IS NOT NULL)
"""


def _refresh_everything() -> None:
    """refresh_balances() of the whole ledger: one hash aggregate, not a subquery per row."""
    tables = {
        "invoice": connection.ops.quote_name(Invoice._meta.db_table),
        "payment": connection.ops.quote_name(Payment._meta.db_table),
        "allocation": connection.ops.quote_name(Allocation._meta.db_table),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (
            _INVOICE_SQL,
            _UNALLOCATED_INVOICE_SQL,
            _PAYMENT_SQL,
            _UNALLOCATED_PAYMENT_SQL,
        ):
            cursor.execute(statement.format(**tables))


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


def record_invoice_document(
    *, invoice: Invoice, content: bytes, file_name: str
) -> tuple[InvoiceDocument, bool]:
    """Keep the PDF of an invoice (under MEDIA_ROOT); (the document, whether it is new).

    The same content for the same invoice is kept once: importing the PDF again adds
    nothing. A different PDF becomes the invoice's latest document. Files are named by
    their SHA-256, so a file left by a rolled-back import is simply reused.
    """
    digest = hashlib.sha256(content).hexdigest()
    existing = InvoiceDocument.objects.filter(invoice=invoice, sha256=digest).first()
    if existing is not None:
        return existing, False
    document = InvoiceDocument(
        invoice=invoice, sha256=digest, original_name=file_name[:255], size=len(content)
    )
    field = document.file.field
    name = field.generate_filename(document, f"{digest}.pdf")
    if field.storage.exists(name) and field.storage.size(name) == len(content):
        document.file.name = name
    else:
        document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document, True

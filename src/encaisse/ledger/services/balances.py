"""The open-amount caches of invoices and payments, refreshed set-based."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

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
from django.db.models.functions import Coalesce, Greatest, Round

from encaisse.core.money import ZERO
from encaisse.ledger.models import (
    Allocation,
    Invoice,
    Payment,
)

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
        # The later of the two sides (a credit note refunded, then applied): Greatest is
        # NULL on SQLite when either side is, so each side stands in for a missing other.
        last_received = _last_allocation_date(received, "invoice")
        last_given = _last_allocation_date(given, "credit_note")
        last_date = Coalesce(
            Greatest(Coalesce(last_received, last_given), Coalesce(last_given, last_received)),
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

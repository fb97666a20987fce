"""Writing rows an import staged into the ledger, set-based: the one place customers,
invoices and payments are written in bulk (a million rows in a few statements).

An importer reads its file, checks each row against the ledger and stages the good ones in
a temporary table whose columns are named after the model's fields, plus ``key`` (the
customer's external id, the invoice's number, the payment's reference), ``action`` (``NEW``
or ``CHANGED``) and ``target_id`` (the row a changed one updates). ``write_staged`` then
INSERTs the new rows and UPDATEs the changed ones in the caller's transaction, with what the
ledger adds to each kind of row: timestamps on a customer; on an invoice or a payment the
open-amount cache as ``refresh_balances`` computes it for a document nothing is lettered
to (the importer refreshes the lettered ones after); and a payment that a bank statement
brought and an ERP row now names takes the ERP's reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from encaisse.ledger.models import Customer, Invoice, Payment

NEW, CHANGED = 1, 2  # the ``action`` of a staged row


def write_staged(
    *,
    model: type[Customer] | type[Invoice] | type[Payment],
    stage: str,
    entity_id: int,
    key_field: str,
    inserted: Sequence[str],
    updated: Sequence[str],
) -> None:
    """INSERT the staged ``NEW`` rows (``inserted`` fields), UPDATE the ``CHANGED`` ones
    (``updated`` fields), in the caller's transaction. ``stage`` is the staging table."""
    table = _quote(model._meta.db_table)
    insert_extras, insert_params, update_extras, update_params = _ledger_columns(model, stage)
    columns = [
        _column(model, "entity"),
        _column(model, key_field),
        *(_column(model, name) for name in inserted),
        *insert_extras,
    ]
    selected = ["%s", "key", *(_quote(name) for name in inserted), *insert_extras.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(selected)} FROM {stage} WHERE action = {NEW} ORDER BY row_no",
            [entity_id, *insert_params],
        )
        if not updated:
            return
        assignments = [f"{_column(model, name)} = {stage}.{_quote(name)}" for name in updated]
        assignments += [f"{name} = {expression}" for name, expression in update_extras.items()]
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} FROM {stage} "  # noqa: S608
            f"WHERE {stage}.action = {CHANGED} AND {table}.id = {stage}.target_id",
            update_params,
        )


def _ledger_columns(
    model: type[Model], stage: str
) -> tuple[dict[str, str], list[Any], dict[str, str], list[Any]]:
    """What the ledger adds to the staged fields: ({column: SQL} on insert, its parameters,
    {column: SQL} on update, its parameters)."""
    if model is Customer:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        created, updated = _column(Customer, "created_at"), _column(Customer, "updated_at")
        return {created: "%s", updated: "%s"}, [now, now], {updated: "%s"}, [now]
    if model is Invoice:
        open_amount = _column(Invoice, "open_amount")
        return (
            {open_amount: "amount", _column(Invoice, "settled_on"): "NULL"},
            [],
            {open_amount: f"{stage}.amount"},
            [],
        )
    if model is Payment:
        unallocated = _column(Payment, "unallocated_amount")
        return (
            {unallocated: "amount", _column(Payment, "settled_on"): "NULL"},
            [],
            # A bank payment an ERP row is linked to takes the ERP's reference.
            {unallocated: f"{stage}.amount", _column(Payment, "reference"): f"{stage}.key"},
            [],
        )
    raise ValueError(f"{model.__name__} is not written in bulk")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 (a concrete field, not a relation's reverse)
    assert field.column  # noqa: S101
    return _quote(field.column)

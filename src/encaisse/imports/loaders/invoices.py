"""Invoices and credit notes by number; the open-amount cache follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from encaisse.core.i18n import sentence
from encaisse.imports.fields import Kind
from encaisse.imports.loaders.base import CustomerIds, Loader, quote
from encaisse.imports.loaders.records import InvoiceRecord
from encaisse.imports.rows import Row
from encaisse.ledger.models import Invoice, InvoiceKind
from encaisse.ledger.services import lettered_invoice_changes, refresh_balances
from encaisse.ledger.signals import invoices_recorded


class InvoiceLoader(Loader[InvoiceRecord]):
    kind = Kind.INVOICES
    model = Invoice
    key_field = "number"
    fields = (
        ("customer_id", "int", None),
        ("kind", "text", None),
        ("issue_date", "date", None),
        ("due_date", "date", None),
        ("amount", "money", None),
        ("currency", "text", None),
        ("disputed", "bool", "disputed"),
        ("lettering_code", "text", "lettering_code"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.customers = CustomerIds(self.entity)

    def compared_fields(self) -> list[str]:
        return [*super().compared_fields(), "open_amount"]

    def prefetch(self, rows: list[Row]) -> None:
        self.customers.load(
            {r.values["customer_external_id"] for r in rows if r.values.get("customer_external_id")}
        )

    def values(self, row: Row, current: InvoiceRecord | None) -> InvoiceRecord | None:
        v = row.values
        customer = self.customers.get(v.get("customer_external_id"))
        if customer is None and v.get("customer_external_id"):
            row.problem(
                "customer_external_id", sentence("unknown customer (import the customers first)")
            )
        if row.problems or customer is None:
            return None
        amount: Decimal = v["amount"]
        issued: dt.date = v["issue_date"]
        due = v.get("due_date") or issued + dt.timedelta(days=customer[1])
        values: InvoiceRecord = {
            "customer_id": customer[0],
            "kind": InvoiceKind.CREDIT_NOTE if amount < 0 else InvoiceKind.INVOICE,
            "issue_date": issued,
            "due_date": due,
            "amount": amount,
            "currency": v.get("currency") or self.entity.currency,
            "disputed": bool(v.get("disputed")),
            "lettering_code": v.get("lettering_code") or "",
        }
        self.lettering_codes.add(values["lettering_code"])
        # The open-amount cache is written as for a new invoice (open = amount); the invoices
        # where that is not the whole story go through refresh_balances after the write:
        # those already lettered, and those of zero amount (settled on their issue date).
        if current is not None:
            self._check_lettered(row, current, values)
            lettered = current["amount"] != current["open_amount"]
            values["refresh"] = lettered or amount == 0 or current["amount"] == 0
        else:
            values["refresh"] = amount == 0
        return None if row.problems else values

    @staticmethod
    def _check_lettered(row: Row, current: InvoiceRecord, values: InvoiceRecord) -> None:
        columns = {"customer_id": "customer_external_id", "currency": "currency"}
        for name, why in lettered_invoice_changes(stored=current, new=values):
            row.problem(columns.get(name, "amount"), why)

    def after_write(self) -> None:
        refresh_balances(invoice_ids=self._touched(quote(Invoice._meta.db_table), "refresh"))
        self.letter_shared_codes()
        if self.counts.created or self.counts.updated:  # the credit limits are checked again
            invoices_recorded.send(sender=type(self))

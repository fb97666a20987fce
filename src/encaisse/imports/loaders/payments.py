"""Payments by reference, lettered to the invoice a row names. A negative amount is a refund
(money paid back to the customer), lettered to the credit note a row names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.db.models import F, Model, Q

from encaisse.core.i18n import sentence
from encaisse.core.money import ZERO
from encaisse.imports.fields import Kind
from encaisse.imports.loaders.base import (
    CustomerIds,
    Loader,
    batches,
    column,
    lookup_batch_size,
    quote,
    records_by_key,
)
from encaisse.imports.loaders.records import BankPayment, NamedInvoice, PaymentRecord
from encaisse.imports.rows import Row
from encaisse.ledger.models import Allocation, Invoice, InvoiceKind, Payment
from encaisse.ledger.services import (
    record_allocations_selected,
    refresh_balances,
    settleable,
)
from encaisse.ledger.signals import invoices_paid, is_news

BANK_WITHIN_DAYS = 5  # a bank books a transfer a few days before or after the ERP


class PaymentLoader(Loader[PaymentRecord]):
    kind = Kind.PAYMENTS
    model = Payment
    key_field = "reference"
    fields = (
        ("customer_id", "int", None),
        ("date", "date", None),
        ("amount", "money", None),
        ("currency", "text", None),
        ("lettering_code", "text", "lettering_code"),
    )
    extra_columns = (
        ("refresh", "bool"),
        ("invoice_id", "int"),
        ("allocated", "money"),
        ("allocated_on", "date"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.customers = CustomerIds(self.entity)
        self.invoices: dict[str, NamedInvoice] = {}
        self.allocated_now: dict[int, Decimal] = {}  # invoice id -> lettered by this import
        self.paid_news: dict[int, Decimal] = {}  # the same, of recent payments (is_news)
        self.pairs: set[tuple[int, int]] = set()  # (payment, invoice) already lettered
        self._bank_payments: dict[tuple[str, Decimal], list[BankPayment]] | None = None
        self._claimed: set[int] = set()

    def compared_fields(self) -> list[str]:
        return [*super().compared_fields(), "unallocated_amount"]

    def check(self, rows: list[Row]) -> list[Row]:
        self._chunk_rows = rows  # existing() links new references to bank payments
        return super().check(rows)

    def existing(self, keys: set[str]) -> dict[str, PaymentRecord]:
        """Stored payments by reference; and, for a reference not stored yet, the payment a
        bank statement already brought for the same money (same customer and amount, within
        a few days, not claimed by the ERP yet): the row updates that payment and gives it
        its reference, so the same money is never counted twice."""
        found = super().existing(keys)
        wanted = [
            row
            for row in getattr(self, "_chunk_rows", [])
            if row.values.get("reference") in keys and row.values.get("reference") not in found
        ]
        for row in wanted:
            record = self._bank_payment_for(row)
            if record is not None:
                found[row.values["reference"]] = cast(PaymentRecord, record)
                self.note(
                    sentence(
                        "row %(row)s: payment %(reference)s is the bank's %(bank)s (same "
                        "customer and amount): linked, not counted twice",
                        row=str(row.number),
                        reference=row.values["reference"],
                        bank=record["reference"],
                    )
                )
        return found

    def _bank_payment_for(self, row: Row) -> BankPayment | None:
        if self._bank_payments is None:
            self._bank_payments = self._unclaimed_bank_payments()
        customer: str | None = row.values.get("customer_external_id")
        amount: Decimal | None = row.values.get("amount")
        on: dt.date | None = row.values.get("date")
        if amount is None:
            return None
        for record in self._bank_payments.get((str(customer), amount), []):
            if record["id"] in self._claimed or on is None:
                continue
            if abs((record["date"] - on).days) <= BANK_WITHIN_DAYS:
                self._claimed.add(record["id"])
                return record
        return None

    def _unclaimed_bank_payments(self) -> dict[tuple[str, Decimal], list[BankPayment]]:
        """Payments a bank statement created whose reference is still the bank's."""
        if self.entity.pk is None:
            return {}
        names = ["id", "reference", *self.compared_fields()]
        by_money: dict[tuple[str, Decimal], list[BankPayment]] = {}
        for record in (
            Payment.objects.filter(entity_id=self.entity.pk, bank_line__isnull=False)
            .filter(Q(reference=F("bank_line__bank_reference")) | Q(reference__startswith="BANK-"))
            .values(*names, "customer__external_id")
            .order_by("date", "pk")
        ):
            by_money.setdefault((record["customer__external_id"], record["amount"]), []).append(
                cast(BankPayment, record)
            )
        return by_money

    def prefetch(self, rows: list[Row]) -> None:
        self.customers.load(
            {r.values["customer_external_id"] for r in rows if r.values.get("customer_external_id")}
        )
        numbers = {r.values["invoice_number"] for r in rows if r.values.get("invoice_number")}
        self.invoices = {}
        if numbers and self.entity.pk is not None:
            for record in records_by_key(
                Invoice,
                entity_id=self.entity.pk,
                key_field="number",
                keys=numbers,
                names=["id", "number", "customer_id", "kind", "currency", "open_amount",
                       "issue_date"],
            ):  # fmt: skip
                self.invoices[record["number"]] = cast(NamedInvoice, record)
        references = {r.values["reference"] for r in rows if r.values.get("reference")}
        self.pairs = set()
        if references and self.invoices and self.entity.pk is not None:
            for batch in batches(sorted(references), lookup_batch_size()):
                self.pairs |= set(
                    Allocation.objects.filter(
                        payment__entity_id=self.entity.pk, payment__reference__in=batch
                    ).values_list("payment_id", "invoice_id")
                )

    def values(self, row: Row, current: PaymentRecord | None) -> PaymentRecord | None:
        v = row.values
        customer = self.customers.get(v.get("customer_external_id"))
        if customer is None and v.get("customer_external_id"):
            row.problem(
                "customer_external_id", sentence("unknown customer (import the customers first)")
            )
        amount: Decimal | None = v.get("amount")
        if amount is not None and amount == 0:
            row.problem(
                "amount", sentence("a payment of zero (a refund is negative, a payment positive)")
            )
        refund = amount is not None and amount < 0
        invoice = None
        if v.get("invoice_number"):
            invoice = self.invoices.get(v["invoice_number"])
            if invoice is None:
                row.problem("invoice_number", sentence("unknown invoice"))
            elif refund and invoice["kind"] != InvoiceKind.CREDIT_NOTE:
                row.problem(
                    "invoice_number", sentence("a refund settles a credit note, this is an invoice")
                )
            elif not refund and invoice["kind"] != InvoiceKind.INVOICE:
                row.problem("invoice_number", sentence("a credit note: a refund to it is negative"))
            elif customer is not None and invoice["customer_id"] != customer[0]:
                row.problem("invoice_number", sentence("the invoice belongs to another customer"))
        if row.problems or customer is None or amount is None:
            return None
        values: PaymentRecord = {
            "customer_id": customer[0],
            "date": v["date"],
            "amount": amount,
            "currency": v.get("currency") or self.entity.currency,
            "lettering_code": v.get("lettering_code") or "",
        }
        self.lettering_codes.add(values["lettering_code"])
        available = amount
        if current is not None:
            lettered = current["amount"] - current["unallocated_amount"]
            if lettered:
                if values["customer_id"] != current["customer_id"]:
                    row.problem(
                        "customer_external_id", sentence("cannot change: the payment is lettered")
                    )
                if values["currency"] != current["currency"]:
                    row.problem("currency", sentence("cannot change: the payment is lettered"))
                if (amount < 0) != (lettered < 0):
                    row.problem("amount", sentence("cannot change sign: the payment is lettered"))
                elif abs(amount) < abs(lettered):
                    row.problem(
                        "amount",
                        sentence("below the %(amount)s already lettered", amount=abs(lettered)),
                    )
            available = amount - lettered
            # unallocated = amount is written as for a new payment; a lettered one is refreshed
            values["refresh"] = bool(lettered)
        if invoice is not None and not row.problems:
            self._allocate(row, values, invoice, current, available)
        return None if row.problems else values

    def _allocate(
        self,
        row: Row,
        values: PaymentRecord,
        invoice: NamedInvoice,
        current: PaymentRecord | None,
        available: Decimal,
    ) -> None:
        if current is not None and (current["id"], invoice["id"]) in self.pairs:
            return  # lettered by an earlier import of this payment
        if values["currency"] != invoice["currency"]:
            row.problem(
                "currency", sentence("the invoice is in %(currency)s", currency=invoice["currency"])
            )
            return
        still_open = invoice["open_amount"] - self.allocated_now.get(invoice["id"], ZERO)
        share = settleable(available, still_open)
        if share == 0:
            self.note(
                sentence(
                    "row %(row)s: %(invoice)s is already settled; payment %(reference)s stays "
                    "unallocated",
                    row=str(row.number),
                    invoice=invoice["number"],
                    reference=row.values["reference"],
                )
            )
            return
        self.allocated_now[invoice["id"]] = self.allocated_now.get(invoice["id"], ZERO) + share
        if is_news(values["date"]):
            self.paid_news[invoice["id"]] = self.paid_news.get(invoice["id"], ZERO) + share
        values["invoice_id"] = invoice["id"]
        values["allocated"] = share
        values["allocated_on"] = values["date"]  # the ledger dates it no earlier than the invoice
        values["refresh"] = True
        values["force_update"] = True

    @property
    def analyzed_models(self) -> list[type[Model]]:
        return [Payment, Allocation]

    def after_write(self) -> None:
        payment_table = quote(Payment._meta.db_table)
        record_allocations_selected(
            select=(
                "SELECT s.invoice_id, p.id AS payment_id, NULL AS credit_note_id, "  # noqa: S608
                "s.allocated AS amount, s.allocated_on AS on_date "
                f"FROM {self.stage.table} s JOIN {payment_table} p "
                f"ON p.{column(Payment, 'reference')} = s.key "
                f"AND p.{column(Payment, 'entity')} = %s WHERE s.allocated IS NOT NULL"
            ),
            params=[self.entity.pk],
        )
        # The payments the allocations touch are refreshed with them; these are the others.
        refresh_balances(
            payment_ids=self._touched(payment_table, "refresh AND {stage}.allocated IS NULL")
        )
        self.letter_shared_codes()
        if self.paid_news:  # the reps hear which of their customers paid, once per import
            invoices_paid.send(sender=type(self), allocated=dict(self.paid_news))

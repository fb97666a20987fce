"""The loaders of a FEC import: its customers, invoices, payments, then its lettering.

A FEC holds all of them at once, so its loaders share what the file creates: an invoice may
name a customer the same file introduces. Such a row is checked against the customer to be
created and staged with its external id; the customer id is filled in set-based just before
the write, inside the import's one transaction. Each loader has its own staging table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Min

from encaisse.core.money import ZERO
from encaisse.imports.fec.entries import FecInvoiceRow
from encaisse.imports.loaders.base import CustomerIds, EntityChoice, batches, column, quote
from encaisse.imports.loaders.customers import CustomerLoader
from encaisse.imports.loaders.invoices import InvoiceLoader
from encaisse.imports.loaders.payments import PaymentLoader
from encaisse.imports.loaders.records import CustomerRecord, InvoiceRecord, PaymentRecord
from encaisse.imports.rows import Row
from encaisse.imports.staging import Stage
from encaisse.imports.values import CENT
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind, Payment
from encaisse.ledger.services import Lettered, record_allocations, settle_lettered

PENDING = 0  # the id of a customer this import creates, until it is written


class FecCustomerLoader(CustomerLoader):
    """Creates the customers the FEC names and Encaisse does not know; leaves the others
    as they are (a FEC knows only an account number and a name)."""

    def __init__(self, *, pending: dict[str, int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage.name = "encaisse_stage_fec_customers"
        self.pending = pending  # external id -> payment terms, of the customers to create

    def values(self, row: Row, current: CustomerRecord | None) -> CustomerRecord | None:
        if current is not None:
            return current.copy()  # known: unchanged
        values = super().values(row, current)
        if values is not None:
            self.pending[row.values["external_id"]] = values["payment_terms_days"]
        return values


class _PendingCustomerIds(CustomerIds):
    """Customer ids by external id, knowing the customers this import creates."""

    def __init__(self, entity: EntityChoice, pending: dict[str, int]) -> None:
        super().__init__(entity)
        self.pending = pending

    def get(self, external_id: str | None) -> tuple[int, int] | None:
        found = super().get(external_id)
        if found is None and external_id and external_id in self.pending:
            return PENDING, self.pending[external_id]
        return found


class _PendingCustomerMixin:
    """Stages a new customer's external id and fills its id in just before the write."""

    stage: Stage
    entity: EntityChoice

    def _with_pending_customer(
        self, row: Row, values: InvoiceRecord | PaymentRecord | None
    ) -> None:
        if values is not None and values["customer_id"] == PENDING:
            values["customer_id"] = None
            values["customer_ext"] = row.values["customer_external_id"]

    def _fill_pending_customers(self) -> None:
        customer = quote(Customer._meta.db_table)
        self.stage.execute(
            f"UPDATE {{stage}} SET customer_id = (SELECT c.id FROM {customer} c "  # noqa: S608
            f"WHERE c.{column(Customer, 'entity')} = %s "
            f"AND c.{column(Customer, 'external_id')} = {{stage}}.customer_ext) "
            "WHERE customer_ext IS NOT NULL",
            [self.entity.pk],
        )


class FecInvoiceLoader(_PendingCustomerMixin, InvoiceLoader):
    """Invoices and credit notes of a FEC. A FEC seldom has due dates (EcheanceDate): without
    one a new invoice is due after its customer's payment terms, a stored invoice keeps the
    due date it has.

    A PieceRef that an earlier entry of the file numbers its document with does not number
    this one: it takes its entry's number (JournalCode-EcritureNum), so that an entry and its
    correction, or entries that all carry a batch reference, are not refused as duplicates.
    The staged rows keep their entry to tell that from the parts of one entry.

    Opening balances (à-nouveaux) repeat what the year before already says. One that names
    a document Encaisse has is that document, left as it is; one that names none (a balance
    per customer, as Tryton writes it) is left out when the customer has documents issued
    before it (the year before is in the ledger, in detail), else it is the customer's
    brought-forward debt or credit, a document of its own. So importing two years in a row
    does not count the debt twice.
    """

    extra_columns = (("refresh", "bool"), ("customer_ext", "text"), ("entry_ref", "text"))

    def __init__(self, *, pending: dict[str, int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage.name = "encaisse_stage_fec_invoices"
        self.customers = _PendingCustomerIds(self.entity, pending)
        self.due_dates_computed = 0
        self.numbered_by_entry = 0  # PieceRefs another entry of the file had first
        self.by_entry_example = ""
        self.openings_left_out = 0  # opening balances the year before already details
        self.openings_known = 0  # opening balances naming a document Encaisse has

    def check(self, rows: list[Row]) -> list[Row]:
        self._number_by_entry_when_another_entry_has_the_piece(rows)
        return super().check(self._without_openings_detailed_before(rows))

    def _without_openings_detailed_before(self, rows: list[Row]) -> list[Row]:
        summaries: list[Row] = [
            row
            for row in rows
            if isinstance(row, FecInvoiceRow)
            and row.opening
            and not row.problems
            and row.values.get("number")
            and not row.names_a_document
        ]
        if not summaries or self.entity.pk is None:
            return rows
        known = self.existing({row.values["number"] for row in summaries})
        self.prefetch(summaries)
        customer_of = {
            row.number: found[0]
            for row in summaries
            if row.values["number"] not in known
            and (found := self.customers.get(row.values.get("customer_external_id")))
            and found[0] != PENDING
        }
        first_issued = dict(
            Invoice.objects.filter(
                entity_id=self.entity.pk, customer_id__in=set(customer_of.values())
            )
            .values("customer_id")
            .annotate(first=Min("issue_date"))
            .values_list("customer_id", "first")
        )
        left_out = {
            row.number
            for row in summaries
            if row.number in customer_of
            and (first := first_issued.get(customer_of[row.number])) is not None
            and first < row.values["issue_date"]
        }
        self.openings_left_out += len(left_out)
        return [row for row in rows if row.number not in left_out]

    def _number_by_entry_when_another_entry_has_the_piece(self, rows: list[Row]) -> None:
        candidates = [
            row
            for row in rows
            if isinstance(row, FecInvoiceRow) and row.document.piece and row.document.by_entry
        ]
        if not candidates:
            return
        # The parts of a document are numbered from /1: its first part tells its entry.
        pieces = {row.document.piece for row in candidates}
        owners = self._staged_entries(pieces | {f"{piece}/1" for piece in pieces})
        first_in_chunk: dict[str, str] = {}
        for row in candidates:
            piece, entry = row.document.piece, row.document.entry
            if piece in owners:
                owner = owners[piece]
            elif f"{piece}/1" in owners:
                owner = owners[f"{piece}/1"]
            else:
                owner = first_in_chunk.setdefault(piece, entry)
            if owner != entry:
                row.number_by_entry()
                self.numbered_by_entry += 1
                self.by_entry_example = self.by_entry_example or row.values["number"]

    def _staged_entries(self, keys: set[str]) -> dict[str, str | None]:
        """The entry of each of these keys an earlier chunk staged (None: a rejected row)."""
        wanted = sorted(keys)
        found: dict[str, str | None] = {}
        with connection.cursor() as cursor:
            for batch in batches(wanted, 900):
                cursor.execute(
                    f"SELECT key, entry_ref FROM {self.stage.table} "  # noqa: S608
                    f"WHERE key IN ({', '.join(['%s'] * len(batch))})",
                    batch,
                )
                found.update(cursor.fetchall())
        return found

    def values(self, row: Row, current: InvoiceRecord | None) -> InvoiceRecord | None:
        entry = row.document.entry if isinstance(row, FecInvoiceRow) else None
        if isinstance(row, FecInvoiceRow) and row.opening and current is not None:
            # Brought forward: the document as the ledger has it, whatever is left of it.
            self.openings_known += 1
            return {**current, "refresh": False, "entry_ref": entry}
        values = super().values(row, current)
        if values is None:
            return None
        if row.values.get("due_date"):  # the file's EcheanceDate
            values["due_date"] = row.values["due_date"]
        elif current is not None and current["due_date"] >= values["issue_date"]:
            values["due_date"] = current["due_date"]
        elif current is None:
            self.due_dates_computed += 1
        values["entry_ref"] = entry
        self._with_pending_customer(row, values)
        return values

    def before_write(self) -> None:
        self._fill_pending_customers()


class FecPaymentLoader(_PendingCustomerMixin, PaymentLoader):
    """Payments of a FEC (credit lines of bank entries); the lettering allocates them."""

    # PaymentLoader's columns plus the external id of a customer this import creates.
    extra_columns = (  # type: ignore[assignment]
        ("refresh", "bool"),
        ("invoice_id", "int"),
        ("allocated", "money"),
        ("allocated_on", "date"),
        ("customer_ext", "text"),
    )

    def __init__(self, *, pending: dict[str, int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage.name = "encaisse_stage_fec_payments"
        self.customers = _PendingCustomerIds(self.entity, pending)

    def values(self, row: Row, current: PaymentRecord | None) -> PaymentRecord | None:
        values = super().values(row, current)
        self._with_pending_customer(row, values)
        return values

    def before_write(self) -> None:
        self._fill_pending_customers()


# ----------------------------------------------------------------------------- lettering


class Lettering:
    """The FEC's lettering (EcritureLet) as allocations.

    Lines of one customer account with the same letter are a group, settled by the ledger's
    one lettering rule (``ledger.services.settle_lettered``: invoices by credit notes then
    payments, a refund against a credit note, in the order of the lines' dates). A document
    gives no more than its lines letter nor than it still has open, so what a partial
    lettering leaves stays open and importing the same FEC again allocates nothing. This
    class only reads the groups from the staged lines; ``record_allocations`` writes.
    """

    PAGE = 5000

    def __init__(self, entity: EntityChoice) -> None:
        self.entity = entity
        self.stage = Stage(
            [
                ("customer", "text"),
                ("letter", "text"),
                ("doc_kind", "text"),
                ("doc_key", "text"),
                ("amount", "money"),
                ("on_date", "date"),
                ("invoice_id", "int"),
                ("payment_id", "int"),
            ],
            name="encaisse_stage_fec_lettering",
        )
        self.created = 0
        self.groups = 0
        self.partial_groups = 0
        self.skipped_currency = 0

    def add(self, rows: list[tuple[int, str, str, str, str, Decimal, dt.date]]) -> None:
        """(row, customer, letter, kind, number or reference, amount, date) of lettered lines."""
        self.stage.add(
            [
                (str(row), row, 0, None, customer, letter, kind, key, amount, on, None, None)
                for row, customer, letter, kind, key, amount, on in rows
            ]
        )

    def write(self) -> None:
        """Allocate each group (inside the caller's transaction)."""
        if self.entity.pk is None or not self.stage.size:
            return
        invoice, payment = quote(Invoice._meta.db_table), quote(Payment._meta.db_table)
        self.stage.execute(
            f"UPDATE {{stage}} SET invoice_id = (SELECT i.id FROM {invoice} i "  # noqa: S608
            f"WHERE i.{column(Invoice, 'entity')} = %s AND i.{column(Invoice, 'number')} = "
            "{stage}.doc_key) WHERE doc_kind <> 'payment'",
            [self.entity.pk],
        )
        self.stage.execute(
            f"UPDATE {{stage}} SET payment_id = (SELECT p.id FROM {payment} p "  # noqa: S608
            f"WHERE p.{column(Payment, 'entity')} = %s AND p.{column(Payment, 'reference')} = "
            "{stage}.doc_key) WHERE doc_kind = 'payment'",
            [self.entity.pk],
        )
        for groups in self._group_pages():
            # Each page's allocations are in the cache before the next page reads it.
            self.created += len(record_allocations(self._allocate(groups)))

    def _group_pages(self) -> Iterator[list[list[tuple[Decimal, Lettered]]]]:
        """The groups, a page of lines at a time (keyset on customer and letter)."""
        invoice, payment = quote(Invoice._meta.db_table), quote(Payment._meta.db_table)
        select = (
            "SELECT s.customer, s.letter, s.doc_kind, COALESCE(s.invoice_id, s.payment_id), "  # noqa: S608
            "s.amount, s.on_date, s.row_no, "
            f"COALESCE(i.{column(Invoice, 'open_amount')}, "
            f"p.{column(Payment, 'unallocated_amount')}), "
            f"COALESCE(i.{column(Invoice, 'currency')}, p.{column(Payment, 'currency')}), "
            f"COALESCE(i.{column(Invoice, 'kind')}, 'payment') "
            f"FROM {self.stage.table} s "
            f"LEFT JOIN {invoice} i ON i.id = s.invoice_id "
            f"LEFT JOIN {payment} p ON p.id = s.payment_id "
            "WHERE (s.invoice_id IS NOT NULL OR s.payment_id IS NOT NULL) {after} "
            "ORDER BY s.customer, s.letter, s.on_date, s.row_no"
        )
        after: tuple[str, str] | None = None
        while True:
            condition, params = "", []
            if after is not None:
                condition = "AND (s.customer > %s OR (s.customer = %s AND s.letter > %s))"
                params = [after[0], after[0], after[1]]
            records = self._fetch(select.format(after=condition) + f" LIMIT {self.PAGE}", params)
            if not records:
                return
            grouped: dict[tuple[str, str], list[tuple[Decimal, Lettered]]] = defaultdict(list)
            for record in records:
                group, amount, document = self._side(record)
                grouped[group].append((amount, document))
            keys = list(grouped)
            if len(records) == self.PAGE and len(keys) > 1:
                keys.pop()  # maybe cut short: read again with the next page
            elif len(records) == self.PAGE:  # one huge group: read it whole
                customer, letter = keys[0]
                condition = "AND s.customer = %s AND s.letter = %s"
                grouped[keys[0]] = [
                    self._side(record)[1:]
                    for record in self._fetch(select.format(after=condition), [customer, letter])
                ]
            after = keys[-1]
            yield [grouped[key] for key in keys]

    @staticmethod
    def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    @staticmethod
    def _side(record: tuple[Any, ...]) -> tuple[tuple[str, str], Decimal, Lettered]:
        """(its group, what its line letters, the document) of a staged line."""
        customer, letter, kind, pk, amount, on, _row, available, currency, stored = record
        if kind != "payment":
            kind = "credit_note" if stored == InvoiceKind.CREDIT_NOTE else "invoice"
        elif Decimal(str(available)) < 0:  # a refund with something left to letter
            kind = "refund"
        on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on)[:10])
        return (
            (customer, letter),
            Decimal(str(amount)).quantize(CENT),
            Lettered(kind, pk, abs(Decimal(str(available))).quantize(CENT), on, on, currency),
        )

    def _allocate(self, groups: list[list[tuple[Decimal, Lettered]]]) -> list[Allocation]:
        """Each group settled by the ledger's one lettering rule, a document giving no more
        than its lines letter nor than it still has open (so that importing the file again
        allocates nothing)."""
        allocations = []
        for lines in groups:
            self.groups += 1
            stated: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
            documents: dict[tuple[str, int], Lettered] = {}
            for amount, document in lines:
                key = ("payment" if document.kind in ("payment", "refund") else "invoice",
                       document.pk)  # fmt: skip
                stated[key] += amount
                documents.setdefault(key, document)
            for key, document in documents.items():
                document.left = min(document.left, stated[key])
            debits = [d for d in documents.values() if d.kind in ("invoice", "refund")]
            credits = [d for d in documents.values() if d.kind in ("payment", "credit_note")]
            side = {key: d.kind in ("invoice", "refund") for key, d in documents.items()}
            debited = sum((stated[key] for key in documents if side[key]), ZERO)
            if debited != sum((stated[key] for key in documents if not side[key]), ZERO):
                self.partial_groups += 1
            self.skipped_currency += sum(
                1 for d in debits for c in credits if d.currency != c.currency
            )
            allocations += settle_lettered(list(documents.values()))
        return allocations

"""Reads about blocking: a customer's blocks and pending request, the blocked customers of a
portfolio, and their CSV for ERPs that only read files."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import QuerySet

from encaisse.core.spreadsheets import safe_cell
from encaisse.ledger.models import Customer
from encaisse.risk.blocking_rules import rule_reason
from encaisse.risk.models_blocking import Block, UnblockRequest, UnblockStatus

HISTORY = 20


def customer_blocks(customer: Customer) -> list[Block]:
    """The customer's latest blocks, newest first, with who blocked and unblocked."""
    return list(
        Block.objects.filter(customer=customer)
        .select_related("blocked_by", "unblocked_by")
        .prefetch_related("unblock_requests__requested_by", "unblock_requests__decided_by")[
            :HISTORY
        ]
    )


def pending_unblock_request(customer: Customer) -> UnblockRequest | None:
    return (
        UnblockRequest.objects.filter(customer=customer, status=UnblockStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


def visible_unblock_request(customers: QuerySet[Customer], pk: int) -> UnblockRequest | None:
    """A request about one of ``customers`` (the user's portfolio), else None."""
    return (
        UnblockRequest.objects.filter(customer__in=customers.values("pk"), pk=pk)
        .select_related("customer", "requested_by")
        .first()
    )


def block_reason(block: Block) -> str:
    """A block's reason as the reader reads it: a rule's in their language."""
    return rule_reason(block.rule) if block.rule else block.reason


@dataclass(frozen=True)
class BlockedCustomer:
    customer: Customer
    block: Block | None

    @property
    def reason(self) -> str:
        return block_reason(self.block) if self.block else self.customer.blocked_reason

    @property
    def by(self) -> str:
        if self.block is None:
            return ""
        if self.block.blocked_by is not None:
            return self.block.blocked_by.username
        return f"rule:{self.block.rule}" if self.block.rule else ""


def blocked_customers(customers: QuerySet[Customer]) -> list[BlockedCustomer]:
    """The blocked ones among ``customers`` (from ledger.scoping), longest blocked first."""
    rows = list(
        customers.filter(blocked_since__isnull=False)
        .select_related("entity", "sales_rep", "agency")
        .order_by("blocked_since", "pk")
    )
    open_blocks = {
        block.customer_id: block
        for block in Block.objects.filter(
            customer__in=[row.pk for row in rows], unblocked_at__isnull=True
        ).select_related("blocked_by")
    }
    return [BlockedCustomer(row, open_blocks.get(row.pk)) for row in rows]


CSV_HEADER = [
    "customer_id",
    "external_id",
    "name",
    "siren",
    "siret",
    "vat_number",
    "entity",
    "blocked_since",
    "reason",
    "blocked_by",
]


def blocked_customers_csv(rows: list[BlockedCustomer]) -> str:
    """One line per blocked customer, for an ERP that reads files: ids, since, reason."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        customer = row.customer
        since = customer.blocked_since.isoformat() if customer.blocked_since else ""
        writer.writerow(
            [
                customer.pk,
                safe_cell(customer.external_id),
                safe_cell(customer.name),
                customer.siren,
                customer.siret,
                customer.vat_number,
                safe_cell(customer.entity.code),
                since,
                safe_cell(row.reason),
                safe_cell(row.by),
            ]
        )
    return buffer.getvalue()

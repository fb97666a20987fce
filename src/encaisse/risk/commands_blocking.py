"""`encaisse risk blocked`: the blocked customers, as a table, JSON or the ERP's CSV."""

from __future__ import annotations

import json
from typing import Any

from encaisse.ledger.models import Customer
from encaisse.risk.blocking_selectors import (
    BlockedCustomer,
    blocked_customers,
    blocked_customers_csv,
)

FORMATS = ["table", "json", "csv"]


def _data(row: BlockedCustomer) -> dict[str, Any]:
    customer = row.customer
    return {
        "customer": customer.external_id,
        "id": customer.pk,
        "name": customer.name,
        "entity": customer.entity.code,
        "blocked_since": customer.blocked_since.isoformat() if customer.blocked_since else None,
        "reason": row.reason,
        "blocked_by": row.by,
    }


def blocked_output(output_format: str) -> str:
    """Every blocked customer (an operator's command sees them all)."""
    rows = blocked_customers(Customer.objects.all())
    if output_format == "csv":
        return blocked_customers_csv(rows)
    data = [_data(row) for row in rows]
    if output_format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not data:
        return "No customer is blocked.\n"
    header = ("customer", "name", "blocked_since", "blocked_by", "reason")
    lines = [
        (d["customer"], d["name"][:40], (d["blocked_since"] or "")[:10], d["blocked_by"],
         d["reason"][:60])
        for d in data
    ]  # fmt: skip
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in [header, *lines]
    )

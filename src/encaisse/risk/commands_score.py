"""`encaisse risk score`: every customer (or one) scored again, printed with the factors of
its score (a table, or JSON: customer, name, score, factors [{name, value, points}],
blocked)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import QuerySet

from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.risk.scoring import ScoredCustomer, score_customers

FORMATS = ("table", "json")


def _rows(scored: list[ScoredCustomer]) -> list[dict[str, Any]]:
    customers: dict[int, Customer] = Customer.objects.in_bulk([row.customer_id for row in scored])
    return [
        {
            "customer": customers[row.customer_id].external_id,
            "name": customers[row.customer_id].name,
            "score": row.score,
            "factors": row.factors,
            "blocked": customers[row.customer_id].is_blocked,
        }
        for row in scored
    ]


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'customer':<20} {'score':>5}  {'blocked':<7}  factors (value: points)"]
    for row in rows:
        counted = ", ".join(
            f"{factor['name']} {factor['value']}: {factor['points']}"
            for factor in row["factors"]
            if factor["points"]
        )
        lines.append(
            f"{row['customer']:<20} {row['score']:>5}  {'yes' if row['blocked'] else 'no':<7}  "
            f"{counted or '-'}"
        )
    return "\n".join(lines) + "\n"


def score_output(*, as_of: dt.date, customer: str | None, output: str) -> str:
    """Score again (every customer, or the one of that external id) and say so."""
    ids = None
    if customer is not None:
        wanted = customer.strip()
        found: QuerySet[Customer] = Customer.objects.filter(external_id=wanted)
        ids = list(found.values_list("pk", flat=True))
        if not wanted or not ids:
            raise BadInput(f"--customer: no customer has the external id {wanted!r}")
    run = score_customers(as_of=as_of, customer_ids=ids)
    rows = _rows(run.customers)
    return as_json(rows) if output == "json" else as_table(rows)

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import parse_iso_date, today
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.risk import scoring
from encaisse.risk.scoring import ScoredCustomer, score_customers


def _rows(scored: list[ScoredCustomer]) -> list[dict[str, Any]]:
    customers = Customer.objects.in_bulk([row.customer_id for row in scored])
    blocked = scoring.blocked_customers([row.customer_id for row in scored])
    return [
        {
            "customer": customers[row.customer_id].external_id,
            "name": customers[row.customer_id].name,
            "score": row.score,
            "factors": row.factors,
            "blocked": row.customer_id in blocked,
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


class Command(EncaisseCommand):
    help = (
        "Risk: `encaisse risk score` scores every customer (or one) again as of today, saves "
        "the scores, and prints each score with its factors (value and risk points; 0: "
        "nothing worrying seen, 100: the highest risk)."
    )

    def help_epilog(self) -> str:
        return (
            "examples:\n"
            "  encaisse risk score\n"
            "  encaisse risk score --customer C042 --format json\n\n"
            "JSON: a list of {customer (external id), name, score, factors: [{name, value, "
            "points}], blocked}"
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["score"])
        parser.add_argument(
            "--customer", metavar="EXTERNAL_ID", help="only this customer (its external id)"
        )
        parser.add_argument(
            "--as-of", dest="as_of", metavar="YYYY-MM-DD", help="the day (default: today)"
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_iso_date(options["as_of"], field="--as-of") if options["as_of"] else today()
        ids = None
        if options["customer"] is not None:
            wanted = options["customer"].strip()
            ids = list(Customer.objects.filter(external_id=wanted).values_list("pk", flat=True))
            if not wanted or not ids:
                raise BadInput(f"--customer: no customer has the external id {wanted!r}")
        run = score_customers(as_of=as_of, customer_ids=ids)
        rows = _rows(run.customers)
        render = as_json if options["format"] == "json" else as_table
        self.stdout.write(render(rows), ending="")

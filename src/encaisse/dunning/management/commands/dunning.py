from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import parse_iso_date, today
from encaisse.core.money import money_str
from encaisse.dunning.services.runs import RunResult, execute_dunning_run


def summary(result: RunResult) -> dict[str, dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"actions": 0, "invoices": 0, "amount": Decimal(0)}
    )
    for line in result.actions:
        entry = totals[line.step]
        entry["actions"] += 1
        entry["invoices"] += len(line.invoices)
        entry["amount"] += line.amount
    return {step: {**entry, "amount": money_str(entry["amount"])} for step, entry in totals.items()}


def as_json(result: RunResult) -> str:
    payload = {
        "as_of": result.as_of.isoformat(),
        "dry_run": result.dry_run,
        "actions": [
            {
                "customer": line.customer,
                "step": line.step,
                "channel": line.channel,
                "actor": line.actor,
                "requires_approval": line.requires_approval,
                "invoices": [
                    {"number": number, "days_past_due": days, "open_amount": money_str(amount)}
                    for number, days, amount in line.invoices
                ],
            }
            for line in result.actions
        ],
        "summary": summary(result),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def as_table(result: RunResult) -> str:
    mode = "dry run: nothing recorded" if result.dry_run else f"run #{result.run_id} recorded"
    lines = [
        f"Dunning as of {result.as_of.isoformat()} ({mode}); "
        f"{result.customers} customers with open invoices"
    ]
    rows = summary(result)
    if not rows:
        lines.append("Nothing is due.")
        return "\n".join(lines) + "\n"
    lines.append(f"{'step':<20} {'actions':>8} {'invoices':>9} {'amount':>15}")
    for step, entry in rows.items():
        lines.append(
            f"{step:<20} {entry['actions']:>8} {entry['invoices']:>9} {entry['amount']:>15}"
        )
    return "\n".join(lines) + "\n"


class Command(EncaisseCommand):
    help = (
        "Run dunning: plan the reminders, letters and calls due as of a date and record them "
        "(each at most once: running again the same day plans nothing new). --dry-run shows "
        "what would be planned without recording anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument(
            "--as-of",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="the date to plan for (default: today)",
        )
        parser.add_argument("--dry-run", action="store_true", help="plan without recording")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_iso_date(options["as_of"], field="--as-of") if options["as_of"] else today()
        result = execute_dunning_run(as_of=as_of, dry_run=options["dry_run"])
        render = as_json if options["format"] == "json" else as_table
        self.stdout.write(render(result), ending="")

"""`encaisse risk blocked`: credit risk from the command line. A thin adapter over the risk
app's selectors and services, one module per part (risk/commands_*.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.risk.commands_blocking import FORMATS as BLOCKED_FORMATS
from encaisse.risk.commands_blocking import blocked_output

EPILOG = """examples:
  encaisse risk blocked                     the blocked customers, a table
  encaisse risk blocked --format csv > blocked.csv
                                            for an ERP that reads files: customer_id,
                                            external_id, name, siren, siret, vat_number,
                                            entity, blocked_since, reason, blocked_by
  encaisse risk blocked --format json"""


class Command(EncaisseCommand):
    help = "Credit risk: `blocked` lists the blocked customers (table, json, csv)."

    def help_epilog(self) -> str:
        return EPILOG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["blocked"])
        parser.add_argument(
            "--format", choices=BLOCKED_FORMATS, default="table", help="output (table)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(blocked_output(options["format"]), ending="")

"""`encaisse risk score|blocked`: credit risk from the command line. A thin adapter over the
risk app's services and selectors, one module per part (risk/commands_*.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import parse_iso_date, today
from encaisse.core.errors import BadInput
from encaisse.risk.commands_blocking import FORMATS as BLOCKED_FORMATS
from encaisse.risk.commands_blocking import blocked_output
from encaisse.risk.commands_score import FORMATS as SCORE_FORMATS
from encaisse.risk.commands_score import score_output

EPILOG = """examples:
  encaisse risk score                       every customer scored again as of today, with
                                            the factors of its score (0: nothing worrying
                                            seen, 100: the highest risk)
  encaisse risk score --customer C042 --format json
                                            JSON: a list of {customer (external id), name,
                                            score, factors: [{name, value, points}], blocked}
  encaisse risk blocked                     the blocked customers, a table
  encaisse risk blocked --format csv > blocked.csv
                                            for an ERP that reads files: customer_id,
                                            external_id, name, siren, siret, vat_number,
                                            entity, blocked_since, reason, blocked_by"""


class Command(EncaisseCommand):
    help = (
        "Credit risk: `score` scores every customer (or one) again and prints each score with "
        "its factors; `blocked` lists the blocked customers (table, json, csv)."
    )

    def help_epilog(self) -> str:
        return EPILOG

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["score", "blocked"])
        parser.add_argument(
            "--customer", metavar="EXTERNAL_ID", help="score: only this customer (its external id)"
        )
        parser.add_argument(
            "--as-of", dest="as_of", metavar="YYYY-MM-DD", help="score: the day (default: today)"
        )
        parser.add_argument(
            "--format",
            choices=sorted(set(BLOCKED_FORMATS) | set(SCORE_FORMATS)),
            default="table",
            help="output: table, json; csv for blocked (default: table)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "blocked":
            self.stdout.write(blocked_output(options["format"]), ending="")
            return
        if options["format"] not in SCORE_FORMATS:
            raise BadInput(
                f"--format: {options['format']} is for `blocked`; score prints table or json"
            )
        as_of = parse_iso_date(options["as_of"], field="--as-of") if options["as_of"] else today()
        output = score_output(as_of=as_of, customer=options["customer"], output=options["format"])
        self.stdout.write(output, ending="")

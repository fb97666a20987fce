from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from encaisse.accounts.models import User
from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import parse_iso_date, today
from encaisse.ledger.models import Customer
from encaisse.ledger.scoping import visible_customers
from encaisse.reporting import exports
from encaisse.reporting.selectors import Grouping, aged_balance

FORMATS = ("table", "json", "csv", "xlsx")


class Command(EncaisseCommand):
    help = (
        "Print a report. aged-balance: open receivables as of a date, by bucket of days past "
        "due (not due, 1-30, 31-60, 61-90, 91-120, over 120), grouped by customer, rep, agency "
        "or segment. The numbers are those of the Aged balance page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["aged-balance"], help="which report")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="the date of the balance (default: today)",
        )
        parser.add_argument(
            "--by",
            choices=[g.value for g in Grouping],
            default="total",
            help="grouping (default: total)",
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            help="output format (default: table); xlsx needs --output",
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="limit to the portfolio this user sees (default: every customer)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_iso_date(options["as_of"], field="--as-of") if options["as_of"] else today()
        customers = Customer.objects.all()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user named {options['user']!r}", returncode=2)
            customers = visible_customers(user)
        report = aged_balance(customers, as_of=as_of, by=Grouping(options["by"]))
        output_format = options["format"]
        if output_format == "xlsx":
            if not options["output"]:
                raise CommandError("--format xlsx writes a file: give --output FILE", returncode=2)
            content: bytes | str = exports.aged_balance_xlsx(report)
        else:
            content = {
                "table": exports.aged_balance_table,
                "json": exports.aged_balance_json,
                "csv": exports.aged_balance_csv,
            }[output_format](report)
        if options["output"]:
            try:
                mode = "wb" if isinstance(content, bytes) else "w"
                with open(options["output"], mode) as handle:
                    handle.write(content)
            except OSError as error:
                raise CommandError(
                    f"--output: cannot write {options['output']}: {error.strerror}", returncode=2
                ) from None
            self.stderr.write(f"Wrote {options['output']}")
        elif isinstance(content, str):
            self.stdout.write(content, ending="")

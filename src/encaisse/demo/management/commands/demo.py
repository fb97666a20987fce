from __future__ import annotations

import datetime as dt
import random
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import connection

from encaisse.core.commands import EncaisseCommand
from encaisse.core.dates import today
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money
from encaisse.core.serving import add_server_arguments, serve_application, site_url
from encaisse.demo import cast
from encaisse.demo.collection import seed_collection
from encaisse.demo.generator import MIN_CUSTOMERS, load_demo_company
from encaisse.demo.risk import seed_risk
from encaisse.demo.summary import DemoLogin, DemoSummary, demo_summary
from encaisse.ledger.models import Customer, LegalEntity

DEFAULT_CUSTOMERS = 1800
# The logins shown in full; the others are listed by role below them.
FEATURED = ("admin", "fanny", "daf", "maud", "anna", "remi", "sarah", "camille")


class Command(EncaisseCommand):
    help = (
        "Create a demo company (Transports Rhône-Loire: 27 agencies, 20 sales reps, 1,800 "
        "customers, 16 months of invoices and payments) in the database, print its logins, "
        "and serve it on http://127.0.0.1:8000/. Run again, it reuses the data; --reset starts "
        "over. The database is SQLite in ENCAISSE_DATA_DIR (default ./data) unless "
        "DATABASE_URL is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)
        parser.add_argument(
            "--no-serve", action="store_true", help="create the data and stop; do not serve"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="erase the demo database and create the company again",
        )
        parser.add_argument(
            "--customers",
            type=int,
            metavar="N",
            help=f"how many customers a new demo company has (default: {DEFAULT_CUSTOMERS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers = options["customers"] or DEFAULT_CUSTOMERS
        if options["customers"] is not None and options["customers"] < MIN_CUSTOMERS:
            raise BadInput(f"--customers: {options['customers']} is below {MIN_CUSTOMERS}")
        self.stdout.write(f"Encaisse demo, database: {_database_label()}")
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"  tables up to date ({time.perf_counter() - started:.1f} s)")
        if options["reset"]:
            self.reset()
        as_of = today()
        if Customer.objects.exists():
            summary = demo_summary(today=as_of)
            self.stdout.write(
                f"The database already holds {summary.customers:,} customers: reusing them "
                "(`encaisse demo --reset` starts over)."
            )
        else:
            self.stdout.write(
                f"Creating the demo company {cast.ENTITY.name} with {customers:,} customers..."
            )
            summary = load_demo_company(today=as_of, customers=customers, stdout=self.stdout)
            collection = seed_collection(
                today=as_of, folder=Path(settings.DATA_DIR) / "demo-bank-statements"
            )
            self.stdout.write(
                f"  {len(collection.scenarios)} dunning scenarios, {collection.disputes} disputes, "
                f"{collection.promises} promises to pay ({collection.promises_kept} kept, "
                f"{collection.promises_broken} broken); today's dunning run planned "
                f"{collection.actions:,} actions"
            )
            for note in collection.bank_notes:
                self.stdout.write(f"  bank statement of yesterday: {note}")
            risk = seed_risk(today=as_of, rng=random.Random(2026))
            self.stdout.write(
                f"  credit risk: {risk.ratings:,} ratings, {risk.assessments} field assessments, "
                f"{risk.covers} insurance covers; {risk.blocked} customers "
                f"blocked by finance; this morning's scoring found {risk.weak_signals} weak signals"
            )
            self.stdout.write(f"Created in {time.perf_counter() - started:.1f} s.")
        self.describe(summary, as_of=as_of, url=site_url(options["host"], options["port"]))
        if not options["no_serve"]:
            self.stdout.write("")
            serve_application(
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                stdout=self.stdout,
            )

    def reset(self) -> None:
        other_ledger = (
            Customer.objects.exists()
            and not LegalEntity.objects.filter(code=cast.ENTITY.code).exists()
        )
        if other_ledger:
            raise BadInput(
                "--reset: this database holds another ledger than the demo's "
                f"(no legal entity {cast.ENTITY.code}); erase it yourself if you mean it"
            )
        call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("  erased every row (--reset)")

    def describe(self, summary: DemoSummary, *, as_of: dt.date, url: str) -> None:
        out = self.stdout.write
        out("")
        out(f"{summary.company or 'The ledger'}, as of {as_of.isoformat()}:")
        out(
            f"  {summary.customers:,} customers, {summary.contacts:,} contacts, "
            f"{summary.agencies} agencies, {summary.users} users"
        )
        span = (
            f", issued {summary.first_issue.isoformat()} to {summary.last_issue.isoformat()}"
            if summary.first_issue and summary.last_issue
            else ""
        )
        out(
            f"  {summary.invoices:,} invoices ({summary.open_invoices:,} open) and "
            f"{summary.credit_notes:,} credit notes{span}"
        )
        out(f"  {summary.payments:,} payments, {summary.allocations:,} allocations (lettrage)")
        out(
            f"  outstanding {_euros(summary.outstanding)}, "
            f"of which {_euros(summary.overdue)} overdue"
        )
        out("")
        if not summary.logins:
            out(f"Open {url} and sign in with your own users (this is not the demo's data).")
            return
        out(f'Open {url} and sign in; every demo password is "{summary.password}":')
        featured = [login for login in summary.logins if login.username in FEATURED]
        others = [login for login in summary.logins if login.username not in FEATURED]
        rows = [("login", "name", "role", "sees"), *[_cells(login) for login in featured]]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            out(f"  {'  '.join([*cells, row[3]])}".rstrip())
        if others:
            out("  also:")
            by_role: dict[str, list[str]] = {}
            for login in others:
                by_role.setdefault(login.role, []).append(login.username)
            for role, usernames in by_role.items():
                line = f"{role.lower()}: {', '.join(usernames)}"
                out(
                    textwrap.fill(line, width=96, initial_indent="    ", subsequent_indent="      ")
                )


def _cells(login: DemoLogin) -> tuple[str, str, str, str]:
    return login.username, login.name, login.role, login.what


def _euros(amount: Decimal) -> str:
    return format_money(amount, "EUR", language="en")  # the command speaks English


def _database_label() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite, {settings['NAME']}"
    where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
    return f"{connection.display_name} {settings['NAME']} on {where}"

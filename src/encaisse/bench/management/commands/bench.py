from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection

from encaisse.bench.scratch import ScratchError, is_scratch, parse_target, scratch_database
from encaisse.bench.steps import BenchResult, run_bench
from encaisse.core.commands import EncaisseCommand

# Set by the command for the copy of itself that runs on the scratch database.
CHILD_FLAG = "ENCAISSE_BENCH_CHILD"


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return number


def as_json(result: BenchResult) -> str:
    ledger = result.expected
    payload = {
        "database": {"vendor": result.vendor, "server": result.server},
        "invoices": result.invoices,
        "runs": result.runs,
        "today": result.today.isoformat(),
        "ledger": {
            "customers": ledger.customers,
            "invoices": ledger.invoices,
            "credit_notes": ledger.credit_notes,
            "payments": ledger.payments,
            "allocations": ledger.allocations,
            "settled_share": round(ledger.settled_share, 4),
        },
        "steps": [
            {
                "key": step.key,
                "label": step.label,
                "rows": step.rows,
                "seconds": [round(seconds, 6) for seconds in step.seconds],
                "median": round(step.median, 6),
                "min": round(min(step.seconds), 6),
                "max": round(max(step.seconds), 6),
                "rows_per_second": round(step.rows_per_second) if step.rows_per_second else None,
                "note": step.note,
            }
            for step in result.steps
        ],
        "check": {"ok": not result.problems, "problems": result.problems},
    }
    return json.dumps(payload, indent=2) + "\n"


def as_table(result: BenchResult) -> str:
    ledger = result.expected
    lines = [
        f"encaisse bench: {result.server}, {result.invoices:,} invoices, "
        f"median of {result.runs} run{'s' if result.runs > 1 else ''}, "
        f"today {result.today.isoformat()}",
        f"ledger: {ledger.customers:,} customers, {ledger.invoices:,} invoices "
        f"({ledger.credit_notes:,} credit notes), {ledger.payments:,} payments, "
        f"{ledger.allocations:,} allocations; {ledger.settled_share:.1%} of invoices fully paid",
        "",
        f"{'step':<44} {'rows':>10} {'median s':>9} {'min s':>9} {'max s':>9} {'rows/s':>10}",
    ]
    for step in result.steps:
        rate = f"{step.rows_per_second:,.0f}" if step.rows_per_second else ""
        lines.append(
            f"{step.label:<44} {f'{step.rows:,}' if step.rows else '-':>10} "
            f"{step.median:>9.3f} {min(step.seconds):>9.3f} {max(step.seconds):>9.3f} {rate:>10}"
        )
        if step.note:
            lines.append(f"  ({step.note})")
    lines.append("")
    if result.problems:
        lines.extend(f"check FAILED: {problem}" for problem in result.problems)
    else:
        lines.append("check ok: refreshed balances and aged balance match the generated ledger")
    return "\n".join(lines) + "\n"


class Command(EncaisseCommand):
    help = (
        "Time loading and querying a generated ledger of N invoices (N/20 customers, 20 reps, "
        "27 agencies, 18 months of history) in a scratch database made for the run and dropped "
        "after it; your own database is never touched. Times migrate, the bulk load, "
        "refresh_balances, the aged balance (today by total, rep and customer; six months ago), "
        "the customer list (first page and count, for finance and for a rep) and the nightly "
        "risk scoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--invoices",
            type=positive_int,
            default=100_000,
            metavar="N",
            help="invoices to generate (default: 100000)",
        )
        parser.add_argument(
            "--database",
            metavar="URL",
            help=(
                "postgres://USER@HOST:PORT/ANY: make the scratch database encaisse_bench_<pid> "
                "on that server (through its 'postgres' database); sqlite:///PATH: a scratch "
                "file in a new folder beside PATH (default: SQLite in a temporary folder)"
            ),
        )
        parser.add_argument(
            "--runs",
            type=positive_int,
            default=3,
            metavar="K",
            help="runs of each query; the table shows their median (default: 3)",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the scratch database and print its URL (default: drop it)",
        )
        parser.add_argument(
            "--format",
            choices=["table", "json"],
            default="table",
            help="a table for people or JSON for machines (default: table)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(CHILD_FLAG) == "1":
            self._bench_here(options)
            return
        target = parse_target(options["database"])
        child_args = [
            "bench",
            "--invoices",
            str(options["invoices"]),
            "--runs",
            str(options["runs"]),
            "--format",
            options["format"],
            "--verbosity",
            str(options["verbosity"]),
        ]
        try:
            with (
                tempfile.TemporaryDirectory(prefix="encaisse_bench_data_") as data_dir,
                scratch_database(target, keep=options["keep"]) as url,
            ):
                environment = {
                    **os.environ,
                    CHILD_FLAG: "1",
                    "DATABASE_URL": url,
                    "ENCAISSE_DATA_DIR": data_dir,
                    "SECRET_KEY": secrets.token_urlsafe(32),  # signs nothing, stores nothing
                }
                environment.pop("DJANGO_SETTINGS_MODULE", None)
                child = subprocess.run(  # noqa: S603  # this very program, with our arguments
                    [sys.executable, "-c", "from encaisse.cli import main; main()", *child_args],
                    env=environment,
                    stdout=subprocess.PIPE,
                    text=True,
                    check=False,
                )
                self.stdout.write(child.stdout, ending="")
        except ScratchError as error:
            raise CommandError(str(error), returncode=1) from None
        if options["keep"]:
            self.stderr.write(f"kept the scratch database: DATABASE_URL={url}")
        if child.returncode:
            sys.exit(child.returncode)  # the child has said why, in one line

    def _bench_here(self, options: dict[str, Any]) -> None:
        """Run the benchmark on the default connection, once sure it is a scratch database."""
        if not is_scratch(connection.settings_dict):
            raise CommandError(
                f"bench: refusing to load into {connection.settings_dict['NAME']}, "
                "which is not a scratch database made by encaisse bench"
            )
        show_progress = options["verbosity"] >= 2 or sys.stderr.isatty()

        def progress(message: str) -> None:
            if show_progress:
                self.stderr.write(f"bench: {message}")

        result = run_bench(invoices=options["invoices"], runs=options["runs"], progress=progress)
        for problem in result.problems:
            self.stderr.write(f"bench: warning: the ledger is not as generated: {problem}")
        self.stdout.write(
            as_json(result) if options["format"] == "json" else as_table(result), ending=""
        )

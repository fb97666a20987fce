"""The benchmark itself: build the scratch ledger, then time the real selectors on it.

Runs on Django's default connection, which ``encaisse bench`` points at a scratch database
(see ``bench.scratch``) before calling ``run_bench``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q, Sum

from encaisse.accounts.models import User
from encaisse.bench.loading import FINANCE_USERNAME, REP_USERNAME, load_ledger
from encaisse.bench.synthetic import Expected
from encaisse.core.dates import today as today_in_company_zone
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.services.setup import install_shipped_dunning
from encaisse.imports.benchmark import run_benchmark as run_import_benchmark
from encaisse.ledger.models import Allocation, Invoice, InvoiceKind, Payment
from encaisse.ledger.scoping import visible_customers
from encaisse.ledger.selectors import CustomerFilters, customer_list
from encaisse.ledger.services import refresh_balances
from encaisse.reporting.selectors import Grouping, aged_balance
from encaisse.risk.scoring import score_customers

PAGE_SIZE = 25  # the customer list page (settings.PAGE_SIZE)
PAST_DAYS = 183  # "six months ago": allocations dated since then force the recompute path
CENT = 100
T = TypeVar("T")


@dataclass
class StepResult:
    key: str
    label: str
    rows: int
    seconds: list[float]
    rows_per_second: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class BenchResult:
    vendor: str
    server: str
    invoices: int
    runs: int
    today: dt.date
    expected: Expected = field(default_factory=Expected)
    steps: list[StepResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # where the ledger is not as generated


def database_server() -> str:
    """'PostgreSQL 15.20' or 'SQLite 3.40.1'."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            (version,) = cursor.fetchone()
        return f"PostgreSQL {version.split()[0]}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return connection.display_name


def _timed(function: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


class _Recorder:
    """Times steps into a result and tells the progress callback as it goes."""

    def __init__(self, result: BenchResult, progress: Callable[[str], None]) -> None:
        self.result = result
        self.progress = progress

    def once(self, key: str, label: str, function: Callable[[], T]) -> tuple[StepResult, T]:
        self.progress(f"{label}...")
        seconds, value = _timed(function)
        step = StepResult(key=key, label=label, rows=0, seconds=[seconds])
        self.result.steps.append(step)
        self.progress(f"{label}: {seconds:.2f} s")
        return step, value

    def repeated(self, key: str, label: str, query: Callable[[], int], runs: int) -> None:
        self.progress(f"{label}...")
        timings = [_timed(query) for _ in range(runs)]
        step = StepResult(
            key=key, label=label, rows=timings[-1][1], seconds=[seconds for seconds, _ in timings]
        )
        self.result.steps.append(step)
        self.progress(f"{label}: median {step.median:.3f} s")


def run_bench(
    *, invoices: int, runs: int, progress: Callable[[str], None] = lambda _message: None
) -> BenchResult:
    """Migrate, load ``invoices`` invoices, refresh the balances, then time the queries."""
    today = today_in_company_zone()
    result = BenchResult(
        vendor=connection.vendor,
        server=database_server(),
        invoices=invoices,
        runs=runs,
        today=today,
    )
    steps = _Recorder(result, progress)
    steps.once("migrate", "migrate", lambda: call_command("migrate", verbosity=0))
    loaded, load = steps.once(
        "load", "load (generate + bulk insert)", lambda: load_ledger(invoices=invoices, today=today)
    )
    result.expected = load.expected
    loaded.rows = load.expected.rows
    loaded.rows_per_second = loaded.rows / loaded.seconds[0]
    loaded.note = f"{load.seconds_generating:.1f} s of it generating rows in Python"
    refreshed, _ = steps.once("refresh_balances", "refresh_balances()", refresh_balances)
    refreshed.rows = load.expected.invoices + load.expected.payments
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load; without statistics the planner guesses.
        steps.once("vacuum_analyze", "VACUUM ANALYZE", _vacuum_analyze)
    result.problems = ledger_problems(load.expected, today=today)

    finance = User.objects.get(username=FINANCE_USERNAME)
    rep = User.objects.get(username=REP_USERNAME)
    past = today - dt.timedelta(days=PAST_DAYS)
    first_page = CustomerFilters(sort="-overdue")

    def aged(as_of: dt.date, by: Grouping) -> Callable[[], int]:
        return lambda: len(aged_balance(visible_customers(finance), as_of=as_of, by=by).rows)

    def page(user: User) -> Callable[[], int]:
        return lambda: len(list(customer_list(user, first_page, today=today)[:PAGE_SIZE]))

    def count(user: User) -> Callable[[], int]:
        return lambda: customer_list(user, first_page, today=today).count()

    steps.repeated("aged_total", "aged balance today, by total", aged(today, Grouping.TOTAL), runs)
    steps.repeated("aged_rep", "aged balance today, by rep", aged(today, Grouping.REP), runs)
    steps.repeated(
        "aged_customer", "aged balance today, by customer", aged(today, Grouping.CUSTOMER), runs
    )
    steps.repeated(
        "aged_past_total",
        f"aged balance as of {past.isoformat()}, by total",
        aged(past, Grouping.TOTAL),
        runs,
    )
    steps.repeated("list_finance", "customer list page 1, finance", page(finance), runs)
    steps.repeated("list_rep", "customer list page 1, sales rep", page(rep), runs)
    steps.repeated("count_finance", "customer list count, finance", count(finance), runs)
    steps.repeated("count_rep", "customer list count, sales rep", count(rep), runs)
    _risk_steps(steps, today=today)
    _dunning_steps(steps, today=today, customers=load.expected.customers)
    _import_steps(steps, invoices=invoices, customers=load.expected.customers)
    return result


def _risk_steps(steps: _Recorder, *, today: dt.date) -> None:
    """The nightly risk scoring of every customer, on the ledger as loaded (before dunning
    reopens it): the first (every row written), then again the same day (nothing changes)."""
    for key, label in (
        ("risk_score", "risk scoring, every customer (nightly)"),
        ("risk_rescore", "risk scoring again the same day"),
    ):
        scored, run = steps.once(key, label, lambda: score_customers(as_of=today))
        scored.rows = len(run.customers)
        scored.rows_per_second = scored.rows / scored.seconds[0]


def _dunning_steps(steps: _Recorder, *, today: dt.date, customers: int) -> None:
    """Reopen every invoice, then plan (dry run) and record today's dunning run over them.

    Dunning is measured on the worst day: every invoice of the ledger open (its lettering
    deleted), so that N invoices means N open invoices to plan.
    """
    install_shipped_dunning()
    steps.once("reopen", "reopen every invoice (delete lettering)", _reopen_every_invoice)
    open_invoices = Invoice.objects.open().count()
    planned, preview = steps.once(
        "dunning_dry_run",
        "dunning run, planned (--dry-run)",
        lambda: execute_dunning_run(as_of=today, dry_run=True),
    )
    planned.rows = open_invoices
    planned.rows_per_second = open_invoices / planned.seconds[0]
    planned.note = (
        f"{open_invoices:,} open invoices of {customers:,} customers: "
        f"{len(preview.actions):,} actions, {sum(len(a.invoices) for a in preview.actions):,} "
        "invoice lines"
    )
    recorded, run = steps.once(
        "dunning_run", "dunning run, recorded", lambda: execute_dunning_run(as_of=today)
    )
    recorded.rows = open_invoices
    recorded.rows_per_second = open_invoices / recorded.seconds[0]
    recorded.note = f"{len(run.actions):,} actions recorded, with their tasks"
    again, rerun = steps.once(
        "dunning_rerun",
        "dunning run again the same day",
        lambda: execute_dunning_run(as_of=today),
    )
    again.rows = open_invoices
    again.note = f"{len(rerun.actions):,} new actions (none expected)"


def _reopen_every_invoice() -> None:
    Allocation.objects.all()._raw_delete(Allocation.objects.db)
    refresh_balances()
    if connection.vendor == "postgresql":
        _vacuum_analyze()


def _import_steps(steps: _Recorder, *, invoices: int, customers: int) -> None:
    """Import a French Excel-style CSV of ``invoices`` rows (another legal entity), twice."""
    with tempfile.TemporaryDirectory(prefix="encaisse-bench-") as folder:
        timings = run_import_benchmark(
            invoices=invoices, customers=customers, folder=Path(folder), entity="IMPORTED"
        )
    for timing in timings:
        key = "import_" + "_".join(timing.step.replace(",", "").split())
        step = StepResult(
            key=key, label=f"CSV {timing.step}", rows=timing.rows, seconds=[timing.seconds]
        )
        step.rows_per_second = timing.rows / timing.seconds if timing.seconds else None
        steps.result.steps.append(step)
        steps.progress(f"{step.label}: {timing.seconds:.1f} s")


def _vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def ledger_problems(expected: Expected, *, today: dt.date) -> list[str]:
    """Where the refreshed cache or the aged balance disagree with what was generated."""
    problems = []
    invoices = Invoice.objects.aggregate(
        settled=Count("pk", filter=Q(kind=InvoiceKind.INVOICE, settled_on__isnull=False)),
        open=Sum("open_amount", filter=Q(settled_on__isnull=True)),
    )
    if invoices["settled"] != expected.settled_invoices:
        problems.append(
            f"{invoices['settled']:,} invoices settled after refresh_balances(), "
            f"{expected.settled_invoices:,} fully lettered in the generated ledger"
        )
    if round((invoices["open"] or 0) * CENT) != expected.open_cents:
        problems.append(
            f"open items total {invoices['open']} after refresh_balances(), "
            f"{expected.open_cents / CENT:.2f} in the generated ledger"
        )
    unallocated = Payment.objects.open().aggregate(total=Sum("unallocated_amount"))["total"]
    if round((unallocated or 0) * CENT) != expected.unallocated_cents:
        problems.append(
            f"unallocated payments {unallocated} after refresh_balances(), "
            f"{expected.unallocated_cents / CENT:.2f} in the generated ledger"
        )
    finance = User.objects.get(username=FINANCE_USERNAME)
    report = aged_balance(visible_customers(finance), as_of=today, by=Grouping.TOTAL)
    total = round(sum((row.total for row in report.totals), start=0) * CENT)
    if total != expected.open_cents - expected.unallocated_cents:
        problems.append(
            f"aged balance total {total / CENT:.2f}, "
            f"{(expected.open_cents - expected.unallocated_cents) / CENT:.2f} in the generated "
            "ledger"
        )
    return problems

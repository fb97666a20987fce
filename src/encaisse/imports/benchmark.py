"""Time the import of a generated French invoice file (and its re-import).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch \\
        python -m encaisse.imports.benchmark --invoices 1000000

Runs ``migrate`` on the database it is given (use a scratch one: it adds thousands of
customers and the invoices), writes the files in a temporary folder, then prints the
seconds of each step. ``run_benchmark`` is what a bench command can call.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    step: str
    rows: int
    seconds: float

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        return f"{self.step:<28}{self.rows:>10,} rows {self.seconds:8.1f} s {rate:>10,.0f} rows/s"


def run_benchmark(
    *, invoices: int, customers: int, folder: Path, entity: str = "BENCH"
) -> list[Timing]:
    """Generate the files in ``folder``; import customers, invoices, the same invoices again,
    then a version of them where every amount changed."""
    from encaisse.imports.samples import write_french_customers, write_french_invoices
    from encaisse.imports.services import import_file

    timings = []
    started = time.perf_counter()
    customer_file = write_french_customers(folder / "clients.csv", customers)
    invoice_file = write_french_invoices(folder / "factures.csv", invoices, customers=customers)
    changed_file = write_french_invoices(
        folder / "factures-v2.csv", invoices, customers=customers, cents_more=100
    )
    timings.append(Timing("write the CSV files", 2 * invoices, time.perf_counter() - started))
    steps = (
        ("import customers", "customers", customer_file, customers),
        ("import invoices", "invoices", invoice_file, invoices),
        ("re-import, all unchanged", "invoices", invoice_file, invoices),
        ("re-import, all amounts new", "invoices", changed_file, invoices),
    )
    for step, kind, path, rows in steps:
        started = time.perf_counter()
        result = import_file(kind=kind, path=path, entity=entity, create_missing=True)
        elapsed = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"{step}: {result.message}")
        timings.append(Timing(step, rows, elapsed))
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m encaisse.imports.benchmark")
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=5_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.config.settings")
    os.environ.setdefault("ENCAISSE_LOCAL_KEY", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    sys.stdout.write(f"database: {connection.vendor} {connection.settings_dict['NAME']}\n")
    with tempfile.TemporaryDirectory() as folder:
        for timing in run_benchmark(
            invoices=args.invoices, customers=args.customers, folder=Path(folder)
        ):
            sys.stdout.write(f"{timing}\n")


if __name__ == "__main__":
    main()

"""Loading the synthetic ledger by the set-based path of each database.

PostgreSQL: COPY ... FROM STDIN through psycopg 3. SQLite: executemany, in one transaction.
The people and the agencies (a few dozen rows) go through the ORM.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from encaisse.accounts.models import Agency, Role, User
from encaisse.bench.synthetic import AGENCIES, COLUMNS, REPS, Cast, Expected, Row, SyntheticLedger
from encaisse.ledger.models import Allocation, Customer, Invoice, LegalEntity, Payment

MODELS: dict[str, type[models.Model]] = {
    "customer": Customer,
    "invoice": Invoice,
    "payment": Payment,
    "allocation": Allocation,
}
FINANCE_USERNAME = "bench_finance"
REP_USERNAME = "bench_rep01"


@dataclass(frozen=True)
class LoadResult:
    expected: Expected
    seconds_generating: float  # of the load, the time spent making rows in Python


def create_cast() -> Cast:
    """The entity, 27 agencies, 20 reps and a finance user, through the ORM."""
    entity = LegalEntity.objects.create(code="BENCH", name="Bench Industries SAS")
    agencies = Agency.objects.bulk_create(
        Agency(code=f"AG{n:02d}", name=f"Agence {n:02d}") for n in range(1, AGENCIES + 1)
    )
    no_password = make_password(None)
    reps = User.objects.bulk_create(
        User(
            username=f"bench_rep{n:02d}",
            first_name="Rep",
            last_name=f"{n:02d}",
            role=Role.SALES_REP,
            agency=agencies[(n - 1) % len(agencies)],
            password=no_password,
        )
        for n in range(1, REPS + 1)
    )
    User.objects.create(
        username=FINANCE_USERNAME, first_name="Finance", role=Role.FINANCE, password=no_password
    )
    return Cast(
        entity_id=entity.pk,
        agency_ids=[agency.pk for agency in agencies],
        rep_ids=[rep.pk for rep in reps],
    )


def load_ledger(*, invoices: int, today: dt.date) -> LoadResult:
    """Generate and load the ledger in one transaction; its balances are left to refresh."""
    writers = {table: _TableWriter(MODELS[table], COLUMNS[table]) for table in MODELS}
    generating = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        ledger = SyntheticLedger(invoices=invoices, today=today, cast=create_cast(), stamp=stamp)
        batches = ledger.batches()
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            generating += time.perf_counter() - started
            if batch is None:
                break
            for table, rows in batch.tables():
                writers[table].write(cursor, rows)
        for statement in connection.ops.sequence_reset_sql(no_style(), list(MODELS.values())):
            cursor.execute(statement)
    return LoadResult(expected=ledger.expected, seconds_generating=generating)


class _TableWriter:
    """Writes generated rows into a table, every other column at its model default."""

    def __init__(self, model: type[models.Model], generated: tuple[str, ...]) -> None:
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        fields = {model_field.attname: model_field for model_field in model._meta.concrete_fields}
        names = [quote(fields[name].column) for name in generated]
        self.extras: Row = ()
        for model_field in model._meta.concrete_fields:
            if model_field.attname in generated or model_field.db_default is not NOT_PROVIDED:
                continue  # generated, or filled by the database
            value = model_field.get_default()  # "" for a blank text field
            if value is None and not model_field.null:
                raise RuntimeError(
                    f"bench: {model.__name__}.{model_field.name} is required and the "
                    "synthetic ledger does not fill it; add it to bench.synthetic.COLUMNS"
                )
            names.append(quote(model_field.column))
            self.extras += (model_field.get_db_prep_save(value, connection),)
        self.columns = ", ".join(names)
        self.width = len(names)

    def write(self, cursor: Any, rows: list[Row]) -> None:
        if not rows:
            return
        extras = self.extras
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row + extras if extras else row)
        else:
            placeholders = ", ".join(["%s"] * self.width)
            cursor.executemany(
                # quoted table and column names from the models
                f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})",
                [row + extras for row in rows] if extras else rows,
            )

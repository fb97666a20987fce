"""The generated ledger is coherent and realistic, without a database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from encaisse.bench.synthetic import COLUMNS, Cast, SyntheticLedger

TODAY = dt.date(2026, 3, 1)
CAST = Cast(entity_id=1, agency_ids=range(1, 28), rep_ids=range(100, 120))


def generate(invoices: int = 4000, per_batch: int = 50) -> tuple[SyntheticLedger, dict[str, list]]:
    ledger = SyntheticLedger(invoices=invoices, today=TODAY, cast=CAST, stamp="now")
    tables: dict[str, list] = defaultdict(list)
    for batch in ledger.batches(customers_per_batch=per_batch):
        for table, rows in batch.tables():
            tables[table].extend(rows)
    return ledger, tables


def test_n_invoices_for_n_over_twenty_customers_in_rows_that_fit_their_columns():
    ledger, tables = generate()
    assert len(tables["invoice"]) == ledger.expected.invoices == 4000
    assert len(tables["customer"]) == ledger.expected.customers == 200
    assert len(tables["payment"]) == ledger.expected.payments
    assert len(tables["allocation"]) == ledger.expected.allocations
    for table, rows in tables.items():
        assert {len(row) for row in rows} == {len(COLUMNS[table])}
        assert len({row[0] for row in rows}) == len(rows)  # ids are unique


def test_about_four_invoices_in_five_are_fully_paid_and_some_are_credit_notes():
    ledger, _tables = generate()
    assert 0.75 < ledger.expected.settled_share < 0.85
    assert 0.02 < ledger.expected.credit_notes / ledger.expected.invoices < 0.06
    assert ledger.expected.unallocated_cents > 0


def test_lettrage_never_exceeds_an_invoice_and_never_comes_after_today():
    _ledger, tables = generate()
    amounts = {row[0]: Decimal(row[7]) for row in tables["invoice"]}
    lettered: dict[int, Decimal] = defaultdict(Decimal)
    for _id, invoice_id, _payment, _credit_note, amount, date in tables["allocation"]:
        lettered[invoice_id] += Decimal(amount)
        assert dt.date.fromisoformat(date) <= TODAY
    assert all(lettered[number] <= amounts[number] for number in lettered)
    six_months_ago = TODAY - dt.timedelta(days=183)
    assert any(dt.date.fromisoformat(row[5]) > six_months_ago for row in tables["allocation"])


def test_due_dates_spread_over_eighteen_months():
    _ledger, tables = generate()
    due_dates = [dt.date.fromisoformat(row[6]) for row in tables["invoice"]]
    assert min(due_dates) < TODAY - dt.timedelta(days=480)
    assert max(due_dates) > TODAY


def test_the_same_size_gives_the_same_ledger_whatever_the_batches():
    assert generate(per_batch=7)[1] == generate(per_batch=1000)[1]

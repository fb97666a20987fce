"""A week of Rémi's portfolio: overdue invoices dunning will remind, a promise due this week,
an open dispute, a call to make; Sarah's and Paul's customers beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

# A Monday (ISO week 2026-W50).
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def week_of_remi(portfolios, rep_remi, settings, tmp_path):
    from encaisse.collaboration.services import create_task, open_dispute, record_promise
    from encaisse.dunning.services.setup import install_shipped_dunning
    from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory

    settings.DATA_DIR = tmp_path
    install_shipped_dunning()
    remi1, remi2 = portfolios["remi1"], portfolios["remi2"]
    InvoiceFactory(  # falls due next week: not due
        customer=remi1,
        number="F-REMI-NEXT",
        issue_date=dt.date(2026, 11, 15),
        due_date=dt.date(2026, 12, 15),
        amount=Decimal("2500.00"),
    )
    recent = InvoiceFactory(  # 10 days late: dunning reminds it this week
        customer=remi2,
        number="F-REMI-LATE",
        issue_date=dt.date(2026, 10, 28),
        due_date=dt.date(2026, 11, 27),
        amount=Decimal("1234.56"),
    )
    PaymentFactory(customer=remi2, date=dt.date(2026, 12, 1), amount=Decimal("100.00"))
    record_promise(
        customer=remi1,
        invoices=list(remi1.invoices.filter(number="F-remi-1")),
        promised_for=MONDAY + dt.timedelta(days=3),
        recorded_on=MONDAY - dt.timedelta(days=7),
        amount=Decimal("1000.00"),
        recorded_by=rep_remi,
    )
    open_dispute(
        customer=remi2,
        invoices=list(remi2.invoices.filter(number="F-remi-2")),
        reason="price",
        opened_on=dt.date(2026, 11, 20),
        opened_by=rep_remi,
        owner=rep_remi,  # waiting on Rémi: in his weekly e-mail
    )
    create_task(
        customer=remi2,
        kind="call",
        title="Call about the late invoice",
        due_on=MONDAY + dt.timedelta(days=2),
        invoices=[recent],
        assignee=rep_remi,
    )
    return portfolios

"""A long list (a manager's week of dunning) shows its first lines, then how many more and a
link to the page that has them all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.reporting.digest.composing import LIST_LIMIT, compose_digest_email
from encaisse.reporting.digest.selectors import DunningLine, PortfolioDigest
from encaisse.reporting.selectors import AgedRow

MONDAY = dt.date(2026, 12, 7)


def test_a_long_list_ends_with_how_many_more_and_a_link(settings):
    settings.ENCAISSE_BASE_URL = "https://encaisse.example.com"
    total = AgedRow(key="total", label="Total", currency="EUR")
    total.buckets["1_30"] = Decimal("1500.00")
    digest = PortfolioDigest(
        username="maud",
        name="Maud Manager",
        email="maud@example.com",
        as_of=MONDAY,
        totals=[total],
        team=True,
        dunning=[
            DunningLine(
                day=MONDAY,
                customer_id=index,
                customer_name=f"Client {index:02d}",
                sales_rep="Rémi Commercial",
                step="reminder_1",
                channel="email",
                amount=Decimal("100.00"),
                currency="EUR",
            )
            for index in range(1, LIST_LIMIT + 4)
        ],
    )
    text = compose_digest_email(digest, language="en").text
    assert f"Client {LIST_LIMIT:02d}" in text
    assert f"Client {LIST_LIMIT + 1:02d}" not in text
    assert "… and 3 more: https://encaisse.example.com/dunning/upcoming/" in text
    assert "Mon, Dec 7 · Client 01 · First reminder (e-mail) · Rémi Commercial: €100.00" in text

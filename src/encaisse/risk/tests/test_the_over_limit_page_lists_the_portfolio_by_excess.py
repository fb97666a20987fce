"""Finance and the managers read the customers over a limit, the largest excess first,
filtered by agency, rep and kind of breach, and as a CSV; each only within their portfolio.
A rep has no such page (404), nor its link."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine

from encaisse.risk.limit_changes import LimitsEdit, change_limits

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 9)


@pytest.fixture
def over(portfolios, finance_fanny):
    """Each customer owes 1 000 € (due 31 January); Rémi 1 is 700 € over, Sarah 1 200 €
    over, Paul 1 300 € over; Rémi 2 is over its days limit only."""
    for key, limit in (("remi1", "300"), ("sarah1", "800"), ("paul1", "700")):
        portfolios[key].credit_limit = Decimal(limit)
        portfolios[key].save(update_fields=["credit_limit"])
    change_limits(
        customer=portfolios["remi2"],
        edit=LimitsEdit(credit_limit=Decimal("50000.00"), oldest_days_limit=30),
        changed_by=finance_fanny,
        today=TODAY,
    )
    return portfolios


def names(response) -> list[str]:
    return [row.customer.name for row in response.context["rows"]]


@time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC), tick=False)
def test_finance_reads_every_customer_over_a_limit_largest_excess_first(
    client, over, finance_fanny
):
    client.force_login(finance_fanny)
    response = client.get("/risk/over-limit/")
    assert names(response) == ["Client Rémi 1", "Client Paul 1", "Client Sarah 1", "Client Rémi 2"]
    assert 'data-testid="nav-over-limit"' in response.content.decode()
    assert names(client.get("/risk/over-limit/?breach=days")) == ["Client Rémi 2"]
    assert names(client.get("/risk/over-limit/?breach=amount"))[-1] == "Client Sarah 1"
    agency = over["paul1"].agency_id
    assert names(client.get(f"/risk/over-limit/?agency={agency}")) == ["Client Paul 1"]
    rep = over["sarah1"].sales_rep_id
    assert names(client.get(f"/risk/over-limit/?rep={rep}")) == ["Client Sarah 1"]


@time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC), tick=False)
def test_the_csv_says_the_same(client, over, finance_fanny):
    client.force_login(finance_fanny)
    response = client.get("/risk/over-limit/?breach=amount&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["customer_external_id"] for row in rows] == ["REMI-1", "PAUL-1", "SARAH-1"]
    assert (rows[0]["exposure"], rows[0]["limit"], rows[0]["excess"]) == (
        "1000.00",
        "300.00",
        "700.00",
    )
    assert rows[0]["oldest_days_past_due"] == "37"


@time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC), tick=False)
def test_a_manager_reads_only_their_portfolio(client, over, manager_maud, agency_manager_anna):
    for manager in (manager_maud, agency_manager_anna):
        client.force_login(manager)
        response = client.get("/risk/over-limit/?format=csv")
        assert "PAUL-1" not in response.content.decode()
        assert "Client Paul 1" not in names(client.get("/risk/over-limit/"))


def test_a_rep_has_no_over_limit_page(client, over, rep_remi):
    client.force_login(rep_remi)
    assert client.get("/risk/over-limit/").status_code == 404
    assert client.get("/risk/limit-requests/").status_code == 404
    assert 'data-testid="nav-over-limit"' not in client.get("/customers/").content.decode()

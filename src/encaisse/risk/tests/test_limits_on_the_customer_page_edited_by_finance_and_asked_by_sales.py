"""The customer page shows the customer against its limits (amount and days, exposure,
temporary limit); finance edits them there, with history on the timeline; a rep asks for a
limit from the action bar and finance decides on the page; a rep never edits and never
reaches a customer outside the portfolio (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from encaisse.risk.models_limits import CustomerLimits, LimitChange, LimitRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_ninth_of_march():
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def english(rep_remi, finance_fanny):
    for person in (rep_remi, finance_fanny):
        person.language = "en"
        person.save(update_fields=["language"])


def test_finance_sets_limits_in_amount_and_days_and_the_page_shows_them(
    client, portfolios, finance_fanny, english
):
    customer = portfolios["remi1"]
    client.force_login(finance_fanny)
    response = client.post(
        f"/risk/customers/{customer.pk}/limits/",
        {
            "credit_limit": "800",
            "temporary_limit": "1 200,00",
            "temporary_until": "2026-03-31",
            "oldest_days_limit": "30",
            "average_days_limit": "",
            "uninvoiced_orders": "150",
        },
    )
    assert response.status_code == 302
    limits = CustomerLimits.objects.get(customer=customer)
    assert (limits.temporary_limit, limits.oldest_days_limit, limits.uninvoiced_orders) == (
        Decimal("1200.00"),
        30,
        Decimal("150.00"),
    )
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("800.00")
    html = client.get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="limits-panel"' in html
    assert "temporary, until 03/31/2026" in html  # the temporary limit is in force
    assert "Exposure €1,150.00" in html
    assert "Over days limit" in html  # 37 days past due for at most 30
    assert "Over credit limit" not in html  # 1 150 € of 1 200 €
    assert "Days limit (oldest overdue invoice)" in html  # the timeline


def test_bad_limits_are_refused_next_to_their_field(client, portfolios, finance_fanny, english):
    customer = portfolios["remi1"]
    client.force_login(finance_fanny)
    response = client.post(
        f"/risk/customers/{customer.pk}/limits/",
        {"credit_limit": "800", "temporary_limit": "900", "temporary_until": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "the end date is in the past" in response.content.decode()
    assert not LimitChange.objects.exists()
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("50000.00")


def test_a_rep_asks_from_the_action_bar_and_finance_decides_on_the_page(
    client, portfolios, rep_remi, finance_fanny, english
):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'href="/risk/customers/{customer.pk}/limits/request/"' in page
    assert 'data-testid="edit-limits"' not in page
    assert client.get(f"/risk/customers/{customer.pk}/limits/").status_code == 404
    refused = client.post(
        f"/risk/customers/{customer.pk}/limits/request/",
        {"amount": "-5", "justification": "More"},
    )
    assert refused.status_code == 400
    assert "a credit limit cannot be negative" in refused.content.decode()
    asked = client.post(
        f"/risk/customers/{customer.pk}/limits/request/",
        {"amount": "75 000", "justification": "Two new sites"},
    )
    assert asked.status_code == 302
    request = LimitRequest.objects.get()

    client.force_login(finance_fanny)
    queue = client.get("/risk/limit-requests/").content.decode()
    assert "Two new sites" in queue
    decided = client.post(
        f"/risk/limit-requests/{request.pk}/decide/",
        {"decision": "approved", "next": f"/customers/{customer.pk}/#credit-limits"},
    )
    assert decided["Location"] == f"/customers/{customer.pk}/#credit-limits"
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("75000.00")


def test_nobody_reaches_limits_outside_their_portfolio(
    client, portfolios, rep_remi, agency_manager_anna
):
    paul = portfolios["paul1"]
    for person in (rep_remi, agency_manager_anna):
        client.force_login(person)
        assert client.get(f"/risk/customers/{paul.pk}/limits/request/").status_code == 404
        response = client.post(
            f"/risk/customers/{paul.pk}/limits/request/",
            {"amount": "1000", "justification": "x"},
        )
        assert response.status_code == 404
    assert not LimitRequest.objects.exists()

"""A sales rep on a phone asks finance for a higher credit limit from the customer page;
finance approves it from the queue; the customer page shows the new limit and the story."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.dates import today
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from encaisse.risk.models_limits import LimitRequest
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def beton_express(entity, rep_remi, lyon):
    """Owes 9 000 € for a limit of 10 000 €: 90 % used."""
    customer = CustomerFactory(
        entity=entity,
        sales_rep=rep_remi,
        agency=lyon,
        name="Béton Express",
        external_id="BETON",
        credit_limit=Decimal("10000.00"),
    )
    InvoiceFactory(
        customer=customer,
        number="FA-1",
        issue_date=today() - dt.timedelta(days=40),
        due_date=today() - dt.timedelta(days=10),
        amount="9000.00",
    )
    return customer


def test_a_rep_asks_on_a_phone_and_finance_approves(
    browser, phone_page, desktop_page, live_server, beton_express, finance_fanny
):
    page = phone_page
    customer_url = f"/customers/{beton_express.pk}/"
    log_in(page, live_server, "remi", customer_url)
    panel = page.get_by_test_id("limits-panel")
    panel.scroll_into_view_if_needed()
    assert page.get_by_test_id("limit-used").inner_text() == "90 %"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "customer-limits-panel-phone")

    page.get_by_test_id("customer-actions").locator(
        f'a[href="/risk/customers/{beton_express.pk}/limits/request/"]'
    ).click()
    page.get_by_test_id("limit-request-form").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator('input[name="amount"]').fill("15 000")
    page.locator('textarea[name="justification"]').fill("Deux nouveaux chantiers à Lyon")
    screenshot(page, "limit-request-form-phone")
    page.get_by_test_id("limit-request-submit").click()
    page.wait_for_url(f"{live_server.url}{customer_url}*")
    page.get_by_test_id("limit-request").first.wait_for()
    assert LimitRequest.objects.get().amount == Decimal("15000.00")

    finance = desktop_page
    log_in(finance, live_server, "fanny", "/risk/limit-requests/")
    finance.get_by_test_id("limit-approve").click()
    finance.wait_for_url(f"{live_server.url}/risk/limit-requests/")
    finance.goto(f"{live_server.url}{customer_url}")
    assert "15" in finance.get_by_test_id("limit-status").inner_text()
    assert finance.get_by_test_id("limit-used").inner_text() == "60 %"
    screenshot(finance, "customer-limits-after-approval")
    beton_express.refresh_from_db()
    assert beton_express.credit_limit == Decimal("15000.00")

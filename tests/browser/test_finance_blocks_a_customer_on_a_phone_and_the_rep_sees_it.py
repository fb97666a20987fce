"""Finance, on a phone, blocks a customer from its page with a reason; the page says it is
blocked; the rep then sees the "Blocked" badge on the customer in their list."""

from __future__ import annotations

import pytest

from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_blocks_a_customer_on_a_phone_and_the_rep_sees_it(
    browser, phone_page, live_server, entity, rep_remi, lyon, finance_fanny
):
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", external_id="BETON"
    )
    InvoiceFactory(customer=customer, number="FA-1")
    page = phone_page
    log_in(page, live_server, "fanny", f"/customers/{customer.pk}/")

    page.get_by_test_id("customer-actions").locator('a[href="#blocking"]').click()
    form = page.get_by_test_id("block-form")
    form.locator("input[name=reason]").fill("Chèque impayé, commandes à arrêter")
    form.locator("button").click()
    page.get_by_test_id("blocked-banner").wait_for()
    assert "Chèque impayé" in page.get_by_test_id("blocked-banner").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "customer-blocked-phone")
    assert Customer.objects.get(pk=customer.pk).is_blocked

    page.context.clear_cookies()
    log_in(page, live_server, "remi", "/customers/")
    card = page.get_by_test_id("customer-card").filter(has_text="Béton Express")
    badge = card.get_by_test_id("blocked-badge")
    assert badge.is_visible()
    assert "Chèque impayé" in (badge.get_attribute("title") or "")

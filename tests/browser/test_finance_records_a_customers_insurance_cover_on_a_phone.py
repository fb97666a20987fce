"""Finance on a phone opens a rated customer, records its credit-insurance cover from the risk
panel (a temporary cover needs its end date: the form says so next to the field), and sees
the exposure above the cover flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from encaisse.core.dates import today
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from encaisse.risk.models import CreditRating, InsuranceCover
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rated_customer(entity, rep_remi, lyon):
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", siren="552100554"
    )
    InvoiceFactory(customer=customer, number="FA-1", amount="5000.00")
    CreditRating.objects.create(
        customer=customer, source="Altarès", rated_on=today() - dt.timedelta(days=60), score=64
    )
    return customer


def test_finance_records_a_cover_on_a_phone_and_the_excess_is_flagged(
    browser, phone_page, live_server, rated_customer, finance_fanny
):
    page = phone_page
    customer_url = f"/customers/{rated_customer.pk}/"
    log_in(page, live_server, "fanny", customer_url)
    panel = page.get_by_test_id("ratings-panel")
    panel.scroll_into_view_if_needed()
    assert "64/100" in panel.inner_text()
    panel.get_by_test_id("record-cover").click()
    form = page.get_by_test_id("cover-form")
    form.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    form.locator("input[name=insurer]").fill("Allianz Trade")
    form.locator("input[name=amount]").fill("3 000,00")
    form.locator("select[name=kind]").select_option("temporary")
    page.get_by_test_id("cover-submit").click()
    assert (
        "une garantie temporaire a une date de fin"
        in page.get_by_test_id("field-error").inner_text()
    )
    assert not InsuranceCover.objects.exists()
    ends = today() + dt.timedelta(days=90)
    page.locator("input[name=expires_on]").fill(ends.isoformat())
    page.get_by_test_id("cover-submit").click()
    page.wait_for_url(f"{live_server.url}{customer_url}#credit-risk")
    flag = page.get_by_test_id("above-cover")
    assert "2" in flag.inner_text()  # 5,000 outstanding, 3,000 covered
    screenshot(page, "customer-ratings-panel-phone")
    assert InsuranceCover.objects.get().expires_on == ends

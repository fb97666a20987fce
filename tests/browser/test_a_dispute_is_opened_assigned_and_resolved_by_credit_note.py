"""On a phone, a rep opens a dispute from an invoice of the customer page, for part of it; dunning
pauses it. Finance gives the dispute to the rep, then resolves it by a credit note for the
disputed part, and the next run reminds the customer of the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Dispute, DisputeStatus, Notification
from encaisse.core.dates import today
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.services.setup import install_shipped_dunning
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def reminded() -> dict[str, str]:
    return {
        number: str(amount)
        for line in execute_dunning_run(as_of=today()).actions
        for number, _days, amount in line.invoices
    }


@pytest.fixture
def beton_express(entity, rep_remi, lyon, jobs_run_inline):
    install_shipped_dunning()
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", segment="sme"
    )
    InvoiceFactory(
        customer=customer,
        number="FA-1",
        issue_date=today() - dt.timedelta(days=50),
        due_date=today() - dt.timedelta(days=20),
        amount=Decimal("1000.00"),
    )
    return customer


def test_a_dispute_goes_from_the_customer_page_to_a_credit_note_and_dunning_resumes(
    browser, live_server, beton_express, rep_remi, finance_fanny
):
    rep_context, page = _phone(browser)
    log_in(page, live_server, "remi", f"/customers/{beton_express.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dispute-customer-page-phone")
    # "Contester", on FA-1's row
    page.locator("[data-testid=invoice-action][href*='/disputes/new/']").click()
    assert page.get_by_label("FA-1", exact=False).is_checked()
    page.locator("select[name=reason]").select_option("price")
    page.locator("input[name=amount]").fill("300")
    page.locator("textarea[name=note]").fill("Remise annuelle de 30 % non déduite")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dispute-new-phone")
    page.get_by_test_id("dispute-open").click()
    page.wait_for_url(f"{live_server.url}/disputes/*/")
    dispute = Dispute.objects.get()
    assert page.get_by_test_id("dispute-status").get_attribute("data-status") == "open"
    assert "FA-1" in page.get_by_test_id("dispute-invoices").inner_text()
    assert reminded() == {}  # FA-1 is paused while the dispute is open
    rep_context.close()

    finance_context, page = _phone(browser)
    log_in(page, live_server, "fanny", f"/disputes/{dispute.pk}/")
    page.get_by_test_id("dispute-owner-select").select_option(str(rep_remi.pk))
    page.get_by_test_id("dispute-assign").click()
    page.wait_for_url(f"{live_server.url}/disputes/{dispute.pk}/")
    assert "Rémi" in page.get_by_test_id("dispute-owner").inner_text()
    assert Notification.objects.filter(recipient=rep_remi, url=f"/disputes/{dispute.pk}/")

    form = page.get_by_test_id("dispute-credit-form")
    form.locator("input[name=number]").fill("AV-2026-001")
    form.locator("input[name=amount]").fill("300,00")
    form.get_by_test_id("dispute-resolve-credit").click()
    page.wait_for_url(f"{live_server.url}/disputes/{dispute.pk}/")
    assert page.get_by_test_id("dispute-status").get_attribute("data-status") == "credited"
    assert "AV-2026-001" in page.get_by_test_id("dispute-credit-note").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dispute-resolved-phone")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CREDITED
    assert dispute.owner == rep_remi
    finance_context.close()

    assert reminded() == {"FA-1": "700.00"}  # dunning resumes on the rest

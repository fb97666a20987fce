"""A sales rep on a phone records the instalment plan he agreed at the sale, with the signed
order; finance confirms it from its queue and the customer page shows the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification, SpecialTerms, TermsStatus
from encaisse.core.dates import today
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def remis_sale(entity, rep_remi, lyon, settings, tmp_path, jobs_run_inline):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", external_id="BETON"
    )
    now = today()
    invoice = InvoiceFactory(
        customer=customer,
        number="FA-BETON-1",
        issue_date=now - dt.timedelta(days=10),
        due_date=now + dt.timedelta(days=20),
        amount=Decimal("1500.00"),
    )
    return customer, invoice


def test_rep_records_an_instalment_plan_on_a_phone_and_finance_confirms_it(
    phone_page, desktop_page, live_server, remis_sale, finance_fanny, tmp_path
):
    customer, invoice = remis_sale
    now = today()
    page = phone_page
    log_in(page, live_server, "remi", f"/customers/{customer.pk}/")
    page.get_by_test_id("record-terms").click()
    page.wait_for_url(f"**/customers/{customer.pk}/terms/new/")
    page.locator("select[name=invoice]").select_option(str(invoice.pk))
    page.locator("input[name=kind][value=instalments]").check()
    for row, (days, amount) in enumerate(((20, "500"), (50, "500"), (80, "500,00")), start=1):
        page.locator(f"input[name=instalment_{row}_date]").fill(
            (now + dt.timedelta(days=days)).isoformat()
        )
        page.locator(f"input[name=instalment_{row}_amount]").fill(amount)
    page.locator("textarea[name=note]").fill("Trois fois sans frais, accordé au salon")
    signed = tmp_path / "bon-de-commande.pdf"
    signed.write_bytes(PDF)
    page.locator("input[name=document]").set_input_files(str(signed))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "terms-form-phone")
    page.get_by_test_id("terms-submit").click()
    page.wait_for_url(f"**/customers/{customer.pk}/#special-terms")
    panel = page.get_by_test_id("terms-panel")
    assert "Trois fois sans frais" in panel.inner_text()
    assert panel.get_by_test_id("instalments").locator("li").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "terms-panel-phone")
    terms = SpecialTerms.objects.get()
    assert terms.status == TermsStatus.PROPOSED
    assert Notification.objects.filter(recipient=finance_fanny).count() == 1

    desk = desktop_page
    log_in(desk, live_server, "fanny", "/terms/")
    pending = desk.get_by_test_id("terms-pending")
    assert "Béton Express" in pending.inner_text()
    assert "FA-BETON-1" in pending.inner_text()
    pending.get_by_test_id("terms-confirm").click()
    desk.wait_for_url(f"{live_server.url}/terms/")
    assert "FA-BETON-1" in desk.get_by_test_id("terms-decided").inner_text()
    screenshot(desk, "terms-queue-desktop")
    terms.refresh_from_db()
    assert terms.status == TermsStatus.CONFIRMED

    page.reload()
    status = page.get_by_test_id("terms-panel").get_by_test_id("terms-status")
    assert status.inner_text().strip() != ""
    assert page.get_by_test_id("terms-panel").get_by_test_id("terms-document").count() == 1

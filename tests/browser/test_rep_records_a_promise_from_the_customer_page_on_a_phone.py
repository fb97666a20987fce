"""A sales rep on a phone opens a customer, records a promise to pay from its page in a few
taps; finance then opens the same customer and sees its dunning paused by the promise."""

from __future__ import annotations

import datetime as dt

import pytest

from encaisse.collaboration.models import PromiseStatus, PromiseToPay
from encaisse.core.dates import today
from encaisse.dunning.services.setup import install_shipped_dunning
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def beton_express(entity, rep_remi, lyon):
    """Two invoices 45 and 35 days overdue, one not yet due."""
    install_shipped_dunning()
    now = today()
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express", external_id="BETON"
    )
    for number, days_late in (("FA-1", 45), ("FA-2", 35), ("FA-3", -10)):
        InvoiceFactory(
            customer=customer,
            number=number,
            issue_date=now - dt.timedelta(days=30 + days_late),
            due_date=now - dt.timedelta(days=days_late),
            amount="2400.00",
        )
    ContactFactory(customer=customer, name="Jeanne Compta", phone="04 72 11 22 33")
    return customer


def test_rep_records_a_promise_on_a_phone_and_finance_sees_the_pause(
    browser, phone_page, live_server, beton_express, finance_fanny
):
    page = phone_page
    customer_url = f"/customers/{beton_express.pk}/"
    log_in(page, live_server, "remi", customer_url)
    panel = page.get_by_test_id("promises-panel")
    panel.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "customer-promises-panel-phone")

    panel.get_by_test_id("record-promise").click()  # tap 1
    page.get_by_test_id("promise-form").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_label("FA-1", exact=False).is_checked()  # the overdue ones, ticked
    assert page.get_by_label("FA-2", exact=False).is_checked()
    assert not page.get_by_label("FA-3", exact=False).is_checked()
    promised_for = today() + dt.timedelta(days=7)
    page.get_by_label("Règlement promis pour le").fill(promised_for.isoformat())  # tap 2
    page.get_by_label("Montant (facultatif)").fill("4 800")
    screenshot(page, "promise-form-phone")
    page.get_by_role("button", name="Enregistrer la promesse").click()  # tap 3
    page.wait_for_url(f"{live_server.url}{customer_url}*")
    page.get_by_test_id("promise").first.wait_for()
    assert "4\u202f800,00\u00a0€" in page.get_by_test_id("promise").first.inner_text()
    screenshot(page, "promise-recorded-phone")

    promise = PromiseToPay.objects.get()
    assert (promise.status, promise.promised_for, str(promise.amount)) == (
        PromiseStatus.PENDING,
        promised_for,
        "4800.00",
    )
    assert sorted(promise.invoices.values_list("number", flat=True)) == ["FA-1", "FA-2"]

    finance = browser.new_context(viewport=PHONE, is_mobile=True, locale="fr-FR").new_page()
    try:
        log_in(finance, live_server, "fanny", customer_url)
        paused = finance.get_by_test_id("dunning-paused")
        paused.wait_for()
        assert paused.locator('[data-pause="promised"]').count() == 2
        assert "FA-1" in paused.inner_text()
        assert "FA-3" not in paused.inner_text()
        screenshot(finance, "finance-sees-dunning-paused-by-promise")
    finally:
        finance.context.close()


def test_rep_records_a_call_from_the_customer_page_on_a_phone(
    phone_page, live_server, beton_express
):
    from encaisse.collaboration.models import Task, TaskStatus

    page = phone_page
    customer_url = f"/customers/{beton_express.pk}/"
    log_in(page, live_server, "remi", customer_url)
    page.get_by_test_id("record-call").click()
    page.get_by_test_id("call-form").wait_for()
    assert page.get_by_test_id("call-button").get_attribute("href") == "tel:0472112233"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "record-a-call-phone")
    page.get_by_role("button", name="Pas de réponse").click()
    page.wait_for_url(f"{live_server.url}{customer_url}*")
    task = Task.objects.get()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "no_answer")
    timeline = page.get_by_test_id("timeline-panel").inner_text()
    assert timeline.count("Pas de réponse") == 1

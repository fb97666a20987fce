"""A sales rep on a phone opens "my day", calls the customer and records a promise to pay in
a few taps; the manager sees who is late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from encaisse.collaboration.models import PromiseToPay, TaskStatus
from encaisse.collaboration.services import create_task
from encaisse.core.dates import today
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def remis_calls(entity, rep_remi, lyon, jobs_run_inline):
    """Three calls for Rémi: one late, one today, one next week (their e-mails are sent at
    once, in this thread: a pooled job thread would keep a connection to the test database)."""
    now = today()
    calls = {}
    for key, name, due_on, invoices in (
        ("late", "Béton Express", now - dt.timedelta(days=2), 3),
        ("today", "Transports Morel & Fils SARL", now, 1),
        ("next", "Boulangerie du Parc", now + dt.timedelta(days=6), 2),
    ):
        customer = CustomerFactory(
            entity=entity, sales_rep=rep_remi, agency=lyon, name=name, external_id=key.upper()
        )
        for index in range(invoices):
            InvoiceFactory(
                customer=customer,
                number=f"FA-{key}-{index}",
                issue_date=now - dt.timedelta(days=75 - 10 * index),
                due_date=now - dt.timedelta(days=45 - 10 * index),
                amount="4115.23",
            )
        ContactFactory(customer=customer, name="Jeanne Compta", phone="04 72 11 22 33")
        calls[key] = create_task(
            customer=customer,
            kind="call",
            title="Call after two reminders",
            instructions="Ask when the overdue invoices will be paid." if key == "late" else "",
            due_on=due_on,
            invoices=list(customer.invoices.all()),
            assignee=rep_remi,
            source=f"browser:{key}",
        )
    return calls


def test_rep_records_a_promise_to_pay_in_a_few_taps_on_a_phone(
    phone_page, live_server, remis_calls
):
    page = phone_page
    log_in(page, live_server, "remi", "/my-day/")
    cards = page.get_by_test_id("task-card")
    assert cards.count() == 3
    assert len(mail.outbox) == 3  # each call was also e-mailed to Rémi
    assert "Béton Express" in cards.first.inner_text()  # the late one first
    assert page.get_by_test_id("unread-count").inner_text().strip().startswith("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    call_button = cards.first.get_by_test_id("call-button")
    assert call_button.get_attribute("href") == "tel:0472112233"
    assert call_button.bounding_box()["height"] >= 44  # a thumb's size
    screenshot(page, "my-day-phone")

    card = cards.first
    card.locator("label", has_text="Promesse de paiement").click()  # tap 1: the promise panel opens
    promised_for = today() + dt.timedelta(days=10)
    card.get_by_label("Règlement promis pour le").fill(promised_for.isoformat())  # tap 2: the date
    card.get_by_label("Montant (facultatif)").fill("5 000")
    screenshot(page, "my-day-phone-promise")
    card.get_by_role("button", name="Enregistrer la promesse").click()  # tap 3
    done = page.get_by_test_id("task-done")
    done.wait_for()
    assert "Béton Express" in done.inner_text()
    assert page.get_by_test_id("task-card").count() == 2
    # The bell follows: that call's notification is read.
    assert page.get_by_test_id("unread-count").inner_text().strip().startswith("2")
    screenshot(page, "my-day-phone-promise-saved")

    promise = PromiseToPay.objects.get()
    assert promise.promised_for == promised_for
    assert str(promise.amount) == "5000.00"
    assert promise.invoices.count() == 3
    remis_calls["late"].refresh_from_db()
    assert remis_calls["late"].status == TaskStatus.DONE


def test_a_promise_without_date_is_refused_on_the_card(phone_page, live_server, remis_calls):
    page = phone_page
    log_in(page, live_server, "remi", "/my-day/")
    card = page.get_by_test_id("task-card").first
    card.locator("label", has_text="Promesse de paiement").click()
    card.get_by_role("button", name="Enregistrer la promesse").click()
    page.get_by_text("Indiquez la date à laquelle le client réglera.").wait_for()
    assert not PromiseToPay.objects.exists()


def test_manager_sees_who_is_late_on_a_phone(
    phone_page, live_server, remis_calls, manager_maud, rep_sarah, entity, lyon
):
    customer = CustomerFactory(entity=entity, sales_rep=rep_sarah, agency=lyon, name="Garage Sud")
    create_task(
        customer=customer, kind="call", title="Call about the March invoice",
        due_on=today(), invoices=[], assignee=rep_sarah,
    )  # fmt: skip
    page = phone_page
    log_in(page, live_server, "maud", "/my-day/")
    members = page.get_by_test_id("team-member")
    assert members.count() == 2
    assert "Rémi" in members.first.inner_text()  # the one with a late call first
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "my-day-manager-phone")


def test_rep_reads_notifications_on_a_phone(phone_page, live_server, remis_calls):
    page = phone_page
    log_in(page, live_server, "remi", "/notifications/")
    assert page.get_by_test_id("notification").count() == 3
    screenshot(page, "notifications-phone")
    page.get_by_test_id("notification").first.get_by_role("button").first.click()
    page.wait_for_url("**/tasks/*/")
    assert page.get_by_test_id("outcome-form").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "task-phone")

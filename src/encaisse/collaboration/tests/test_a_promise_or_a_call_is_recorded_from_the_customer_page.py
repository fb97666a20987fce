"""From the customer page a rep or finance records a promise to pay (the overdue invoices
ticked, or the one invoice it started from) or a call and how it went, without a task
waiting for it; the page shows the customer's promises and how it keeps them (the pause:
dunning/tests/test_finance_sees_the_invoices_a_promise_pauses.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from encaisse.collaboration.models import (
    CallOutcome,
    Dispute,
    PromiseStatus,
    PromiseToPay,
    Task,
    TaskStatus,
)
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.ledger.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(remis_customer, on_march_5th):
    """Two overdue invoices of 1 000 € and one not yet due."""
    InvoiceFactory(
        customer=remis_customer,
        number="F-remi-new",
        issue_date=dt.date(2026, 3, 1),
        due_date=dt.date(2026, 3, 31),
    )
    return remis_customer


def promise_url(customer) -> str:
    return f"/customers/{customer.pk}/promise/"


def call_url(customer) -> str:
    return f"/customers/{customer.pk}/call/"


def test_the_customer_page_has_a_promises_panel_with_its_buttons(client, customer, rep_remi):
    client.force_login(rep_remi)
    response = client.get(f"/customers/{customer.pk}/")
    assertContains(response, 'data-testid="promises-panel"')
    assertContains(response, "No promise to pay yet.")
    assertContains(response, f'href="{promise_url(customer)}"')
    assertContains(response, f'href="{call_url(customer)}"')
    one = customer.invoices.get(number="F-remi-new")
    assertContains(response, f'href="{promise_url(customer)}?invoice={one.pk}"')


def test_the_form_ticks_the_overdue_invoices(client, customer, rep_remi):
    client.force_login(rep_remi)
    page = client.get(promise_url(customer)).content.decode()
    ticked = {
        number
        for number in ("F-remi-1", "F-remi-1b", "F-remi-new")
        if "checked" in page.split(number)[0].rsplit("<input", 1)[-1]
    }
    assert ticked == {"F-remi-1", "F-remi-1b"}


def test_started_from_an_invoice_only_that_one_is_ticked(client, customer, rep_remi):
    client.force_login(rep_remi)
    invoice = customer.invoices.get(number="F-remi-new")
    page = client.get(promise_url(customer) + f"?invoice={invoice.pk}").content.decode()
    assert "checked" in page.split("F-remi-new")[0].rsplit("<input", 1)[-1]
    assert "checked" not in page.split("F-remi-1b")[0].rsplit("<input", 1)[-1]


def test_a_rep_records_a_promise_and_dunning_waits(client, customer, rep_remi):
    client.force_login(rep_remi)
    invoices = list(customer.invoices.filter(number__in=["F-remi-1", "F-remi-1b"]))
    response = client.post(
        promise_url(customer),
        {
            "promised_for": "2026-03-16",
            "amount": "1 500,00",
            "invoices": [invoice.pk for invoice in invoices],
            "note": "Virement lundi",
        },
        follow=True,
    )
    promise = PromiseToPay.objects.get()
    assert (promise.promised_for, promise.amount, promise.recorded_by) == (
        dt.date(2026, 3, 16),
        Decimal("1500.00"),
        rep_remi,
    )
    assert promise.recorded_on == TODAY
    assert set(promise.invoices.all()) == set(invoices)
    assertContains(response, "Promise to pay recorded")
    assertContains(response, 'data-testid="promise"')
    assertContains(response, "Virement lundi")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"promised_for": "2026-03-04"}, "This date is already past."),
        ({"amount": "0"}, "The amount must be positive."),
        ({"amount": "2 000,01"}, "is more than the"),
        ({"invoices": []}, "Choose at least one invoice."),
    ],
)
def test_bad_input_is_said_next_to_its_field_and_nothing_is_recorded(
    client, customer, rep_remi, data, message
):
    client.force_login(rep_remi)
    overdue = list(customer.invoices.filter(number__in=["F-remi-1", "F-remi-1b"]))
    posted = {"promised_for": "2026-03-16", "invoices": [i.pk for i in overdue], **data}
    response = client.post(promise_url(customer), posted)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assert not PromiseToPay.objects.exists()


def test_another_customers_invoice_cannot_be_slipped_in(client, customer, rep_remi, portfolios):
    client.force_login(rep_remi)
    foreign = portfolios["paul1"].invoices.get()
    response = client.post(
        promise_url(customer), {"promised_for": "2026-03-16", "invoices": [foreign.pk]}
    )
    assert response.status_code == 400
    assert not PromiseToPay.objects.exists()


def test_outside_the_portfolio_or_read_only_the_pages_are_not_found(
    client, customer, portfolios, rep_remi, viewer_victor
):
    client.force_login(rep_remi)
    pauls = portfolios["paul1"]
    for url in (promise_url(pauls), call_url(pauls)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "reached"}).status_code == 404
    client.force_login(viewer_victor)
    assert client.get(promise_url(customer)).status_code == 404
    assert client.post(call_url(customer), {"outcome": "reached"}).status_code == 404
    assertNotContains(client.get(f"/customers/{customer.pk}/"), 'data-testid="record-promise"')
    assert not Task.objects.exists()


def test_a_call_is_recorded_once_done_with_its_outcome(client, customer, rep_remi):
    client.force_login(rep_remi)
    response = client.post(call_url(customer), {"outcome": "no_answer", "note": "Répondeur"})
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.status, task.outcome, task.done_by, task.done_on) == (
        TaskStatus.DONE,
        CallOutcome.NO_ANSWER,
        rep_remi,
        TODAY,
    )
    assert task.outcome_note == "Répondeur"
    assert sorted(task.invoices.values_list("number", flat=True)) == ["F-remi-1", "F-remi-1b"]
    assert not task.notifications.exists()  # nobody is told of their own call
    timeline = client.get(f"/customers/{customer.pk}/").content.decode()
    assert timeline.count("Call: No answer") == 1


def test_finance_records_a_promise_as_a_call_outcome(client, customer, finance_fanny):
    client.force_login(finance_fanny)
    client.post(
        call_url(customer),
        {"outcome": "promise", "promised_for": "2026-03-20", "promised_amount": "2000"},
    )
    promise = PromiseToPay.objects.get()
    assert promise.recorded_by == finance_fanny
    assert Task.objects.get().promise == promise


def test_a_call_ending_in_a_dispute_opens_it_on_the_overdue_invoices(client, customer, rep_remi):
    client.force_login(rep_remi)
    client.post(call_url(customer), {"outcome": "dispute", "dispute_reason": "price"})
    dispute = Dispute.objects.get()
    assert sorted(dispute.invoices.values_list("number", flat=True)) == ["F-remi-1", "F-remi-1b"]


def test_a_call_with_a_promise_above_what_is_open_is_refused(client, customer, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        call_url(customer),
        {"outcome": "promise", "promised_for": "2026-03-20", "promised_amount": "9000"},
    )
    assertContains(response, "is more than the", status_code=400)
    assert not Task.objects.exists()
    assert not PromiseToPay.objects.exists()


def test_the_panel_shows_each_promise_and_the_keeping_rate(client, customer, rep_remi):
    from encaisse.collaboration.promises import record_promise

    invoice = customer.invoices.get(number="F-remi-1")
    for status, decided_on in ((PromiseStatus.KEPT, None), (PromiseStatus.BROKEN, TODAY)):
        promise = record_promise(
            customer=customer,
            invoices=[invoice],
            promised_for=dt.date(2026, 2, 20),
            recorded_on=dt.date(2026, 2, 10),
            recorded_by=rep_remi,
        )
        PromiseToPay.objects.filter(pk=promise.pk).update(status=status, decided_on=decided_on)
    client.force_login(rep_remi)
    response = client.get(f"/customers/{customer.pk}/")
    assertContains(response, 'data-testid="promise"', count=2)
    assertContains(response, "50 % kept (1 of 2)")
    assertContains(response, "taken by Rémi Commercial")
    assertContains(response, "Promise to pay by 02/20/2026: Broken on 03/05/2026")
    assertContains(response, "Promise to pay by 02/20/2026: Kept")

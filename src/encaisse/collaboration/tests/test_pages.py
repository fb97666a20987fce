"""A rep's phone pages: my day, one task, the outcome in a few taps (with or without
JavaScript), notifications and the bell."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from encaisse.collaboration.models import (
    CallOutcome,
    Notification,
    PromiseToPay,
    TaskStatus,
)
from encaisse.collaboration.services import create_task
from encaisse.collaboration.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _outcome_url(task) -> str:
    return f"/tasks/{task.pk}/outcome/"


def test_my_day_shows_the_customer_why_and_a_big_call_button(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    response = client.get("/my-day/")
    assertContains(response, "Client Rémi 1")
    assertContains(response, "Call after two reminders")
    assertContains(response, "F-remi-1b")
    assertContains(response, "33 d past due")
    assertContains(response, 'href="tel:0472112233"')
    assertContains(response, "Jeanne Compta")
    for outcome in ("reached", "no_answer", "promise", "dispute", "wrong_contact"):
        assertContains(response, f'name="outcome" value="{outcome}"')
    assertContains(response, f'hx-post="{_outcome_url(call_for_remi)}"')


def test_my_day_is_empty_and_says_so(client, rep_remi, on_march_5th):
    client.force_login(rep_remi)
    assertContains(client.get("/my-day/"), 'data-testid="my-day-empty"')


def test_a_rep_records_a_promise_with_htmx_and_the_card_says_done(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        _outcome_url(call_for_remi),
        {"outcome": "promise", "promised_for": "2026-03-20", "promised_amount": "1 500,50",
         "note": "Transfer on the 20th", "next": "/my-day/"},
        **HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assertContains(response, 'data-testid="task-done"')
    assertContains(response, "Promise to pay")
    assertNotContains(response, "<html")
    assertContains(response, 'id="notification-bell" hx-swap-oob="true"')  # the bell follows
    assertNotContains(response, 'data-testid="unread-count"')
    promise = PromiseToPay.objects.get()
    assert promise.promised_for == dt.date(2026, 3, 20)
    assert str(promise.amount) == "1500.50"
    call_for_remi.refresh_from_db()
    assert call_for_remi.outcome == CallOutcome.PROMISE


def test_a_rep_records_no_answer_without_javascript(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        _outcome_url(call_for_remi), {"outcome": "no_answer", "next": "/my-day/"}
    )
    assertRedirects(response, "/my-day/", fetch_redirect_response=False)
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.DONE
    page = client.get("/my-day/")
    assertContains(page, "Client Rémi 1: No answer, saved.")
    assertContains(page, 'data-testid="my-day-empty"')


def test_a_promise_without_date_comes_back_with_the_error_next_to_the_date(
    client, call_for_remi, rep_remi
):
    client.force_login(rep_remi)
    response = client.post(_outcome_url(call_for_remi), {"outcome": "promise"}, **HTMX)
    assert response.status_code == 200
    assertContains(response, 'data-testid="task-card"')
    assertContains(response, "Give the date the customer will pay by.")
    assertContains(response, 'value="promise" autocomplete="off" checked')  # the panel stays open
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.OPEN


def test_a_dispute_without_reason_is_refused_without_javascript_too(
    client, call_for_remi, rep_remi
):
    client.force_login(rep_remi)
    response = client.post(_outcome_url(call_for_remi), {"outcome": "dispute", "next": "/my-day/"})
    assert response.status_code == 400
    assertContains(response, "Choose why the customer disputes.", status_code=400)
    assertContains(response, '<input type="hidden" name="next" value="/my-day/">', status_code=400)


def test_a_dispute_with_its_reason_is_saved(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        _outcome_url(call_for_remi), {"outcome": "dispute", "dispute_reason": "quality"}, **HTMX
    )
    assertContains(response, "Quality or damage")
    call_for_remi.refresh_from_db()
    assert call_for_remi.dispute.reason == "quality"
    assertContains(response, f'href="/disputes/{call_for_remi.dispute.pk}/"')  # to follow it


def test_a_second_tap_shows_the_task_done_and_records_nothing_more(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    client.post(_outcome_url(call_for_remi), {"outcome": "reached"}, **HTMX)
    again = client.post(_outcome_url(call_for_remi), {"outcome": "no_answer"}, **HTMX)
    assertContains(again, 'data-testid="task-done"')
    call_for_remi.refresh_from_db()
    assert call_for_remi.outcome == CallOutcome.REACHED


def test_a_rep_gets_404_for_another_reps_task(client, call_for_remi, rep_sarah, rep_paul):
    for rep in (rep_sarah, rep_paul):
        client.force_login(rep)
        assert client.get(f"/tasks/{call_for_remi.pk}/").status_code == 404
        assert client.post(_outcome_url(call_for_remi), {"outcome": "reached"}).status_code == 404
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.OPEN


def test_a_rep_opens_their_task_and_records_it_from_the_task_page(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    page = client.get(f"/tasks/{call_for_remi.pk}/")
    assertContains(page, 'data-testid="outcome-form"')
    assertContains(page, f'<input type="hidden" name="next" value="/tasks/{call_for_remi.pk}/">')
    response = client.post(
        _outcome_url(call_for_remi),
        {"outcome": "reached", "next": f"/tasks/{call_for_remi.pk}/"},
    )
    assertRedirects(response, f"/tasks/{call_for_remi.pk}/")
    done = client.get(f"/tasks/{call_for_remi.pk}/")
    assertContains(done, 'data-testid="task-outcome"')
    assertNotContains(done, 'data-testid="outcome-form"')


def test_an_outside_next_is_ignored(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        _outcome_url(call_for_remi), {"outcome": "reached", "next": "https://evil.example/"}
    )
    assertRedirects(response, "/my-day/", fetch_redirect_response=False)


def test_a_viewer_sees_the_task_but_no_outcome_form(client, call_for_remi, viewer_victor):
    client.force_login(viewer_victor)
    page = client.get(f"/tasks/{call_for_remi.pk}/")
    assertContains(page, "Client Rémi 1")
    assertNotContains(page, 'data-testid="outcome-form"')
    assert client.post(_outcome_url(call_for_remi), {"outcome": "reached"}).status_code == 404


def test_the_manager_sees_who_is_late_and_may_record_for_the_rep(
    client, portfolios, call_for_remi, rep_sarah, manager_maud
):
    create_task(
        customer=portfolios["sarah1"], kind="call", title="Call Sarah's customer",
        due_on=TODAY - dt.timedelta(days=2), invoices=[], assignee=rep_sarah,
    )  # fmt: skip
    client.force_login(manager_maud)
    page = client.get("/my-day/")
    assertContains(page, 'data-testid="team-tasks"')
    assertContains(page, "Sarah Vente")
    assertContains(page, "Rémi Commercial")
    assertContains(page, "2 days late")
    text = page.content.decode()
    assert text.index("Sarah Vente") < text.index("Rémi Commercial")  # the late one first
    response = client.post(_outcome_url(call_for_remi), {"outcome": "reached"}, **HTMX)
    assertContains(response, 'data-testid="task-done"')


def test_finance_sees_its_queue_in_my_day(client, remis_customer, finance_fanny, on_march_5th):
    create_task(
        customer=remis_customer, kind="task", title="Check the bank details", due_on=TODAY,
        invoices=[],
    )  # fmt: skip
    client.force_login(finance_fanny)
    page = client.get("/my-day/")
    assertContains(page, "Check the bank details")
    assertContains(page, "Finance queue")


def test_the_bell_counts_unread_notifications(client, call_for_remi, rep_remi, rep_sarah):
    client.force_login(rep_remi)
    assertContains(client.get("/customers/"), 'data-testid="unread-count">1<')
    client.force_login(rep_sarah)
    assertNotContains(client.get("/customers/"), 'data-testid="unread-count"')


def test_opening_a_notification_reads_it_and_goes_to_the_task(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    notification = Notification.objects.get(task=call_for_remi)
    page = client.get("/notifications/")
    assertContains(page, "Appeler Client Rémi 1 : 2 factures")
    response = client.post(f"/notifications/{notification.pk}/open/")
    assertRedirects(response, f"/tasks/{call_for_remi.pk}/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_all_notifications_read_empties_the_bell(client, call_for_remi, rep_remi):
    client.force_login(rep_remi)
    assertRedirects(client.post("/notifications/read/"), "/notifications/")
    assertNotContains(client.get("/notifications/"), 'data-testid="unread-count"')


def test_a_rep_cannot_open_someone_elses_notification(client, call_for_remi, rep_sarah):
    client.force_login(rep_sarah)
    notification = Notification.objects.get(task=call_for_remi)
    assert client.post(f"/notifications/{notification.pk}/open/").status_code == 404
    client.post("/notifications/read/", {"id": [notification.pk]})
    notification.refresh_from_db()
    assert notification.read_at is None
    assertNotContains(client.get("/notifications/"), "Client Rémi 1")

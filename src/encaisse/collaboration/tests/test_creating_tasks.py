"""Dunning (or anyone) gives a person a task: once per source, and the person hears of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from encaisse.collaboration.models import Notification, Task, TaskKind, TaskStatus
from encaisse.collaboration.services import (
    TaskSpec,
    create_task,
    create_tasks,
    send_notification_email,
)
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.core.errors import BadInput

pytestmark = pytest.mark.django_db


def test_creating_a_task_twice_from_the_same_source_gives_back_the_first_one(
    call_for_remi, remis_customer, rep_remi
):
    again = create_task(
        customer=remis_customer,
        kind=TaskKind.CALL,
        title="Another title",
        due_on=TODAY,
        invoices=[],
        assignee=rep_remi,
        source="dunning-action:1",
    )
    assert again.pk == call_for_remi.pk
    assert again.title == "Call after two reminders"
    assert Task.objects.filter(source="dunning-action:1").count() == 1
    assert Notification.objects.filter(recipient=rep_remi).count() == 1


def test_tasks_without_a_source_are_never_merged(remis_customer, rep_remi, on_march_5th):
    for _ in range(2):
        create_task(
            customer=remis_customer, kind="task", title="Send the signed PO", due_on=TODAY,
            invoices=[], assignee=rep_remi,
        )  # fmt: skip
    assert Task.objects.filter(customer=remis_customer, source="").count() == 2


def test_a_new_task_is_open_with_its_invoices(call_for_remi):
    assert call_for_remi.status == TaskStatus.OPEN
    assert call_for_remi.outcome == ""
    assert sorted(call_for_remi.invoices.values_list("number", flat=True)) == [
        "F-remi-1",
        "F-remi-1b",
    ]


def test_the_assignee_is_notified_with_the_customer_invoices_and_overdue_amount(
    call_for_remi, rep_remi
):
    notification = Notification.objects.get(recipient=rep_remi)
    # In the recipient's language, French by default: amounts as 2 000,00 €.
    assert notification.title == "Appeler Client Rémi 1 : 2 factures, 2\u202f000,00\xa0€ en retard"
    assert notification.url == f"/tasks/{call_for_remi.pk}/"
    assert notification.customer == call_for_remi.customer
    assert notification.read_at is None
    assert notification.emailed_at is None


def test_the_email_goes_out_only_after_commit(
    remis_customer, rep_remi, on_march_5th, jobs_run_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_task(
            customer=remis_customer,
            kind=TaskKind.CALL,
            title="Call after two reminders",
            due_on=TODAY,
            invoices=list(remis_customer.invoices.all()),
            assignee=rep_remi,
            source="dunning-action:7",
        )
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing leaves before the transaction commits
    callbacks[0]()
    assert jobs_run_inline == ["encaisse.collaboration.tasks.send_notification_email_task"]
    assert len(mail.outbox) == 1


def test_the_assignee_receives_a_short_email_with_an_absolute_link(
    remis_customer, rep_remi, on_march_5th, jobs_run_inline, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.ENCAISSE_BASE_URL = "https://encaisse.example.fr/"
    with django_capture_on_commit_callbacks(execute=True):
        task = create_task(
            customer=remis_customer,
            kind=TaskKind.CALL,
            title="Call after two reminders",
            due_on=TODAY,
            invoices=list(remis_customer.invoices.all()),
            assignee=rep_remi,
            source="dunning-action:8",
        )
    [message] = mail.outbox
    assert message.to == ["remi@example.com"]
    assert message.subject.startswith("Appeler Client Rémi 1 : 2 factures")
    assert f"https://encaisse.example.fr/tasks/{task.pk}/" in message.body
    assert "Call after two reminders" in message.body
    assert len(message.body.splitlines()) < 15
    assert Notification.objects.get(task=task).emailed_at is not None


def test_a_notification_is_emailed_once_even_if_the_job_runs_twice(call_for_remi):
    notification = Notification.objects.get(task=call_for_remi)
    assert send_notification_email(notification_id=notification.pk) is True
    assert send_notification_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_recipient_without_email_gets_the_notification_in_the_app_only(call_for_remi, rep_remi):
    rep_remi.email = ""
    rep_remi.save()
    notification = Notification.objects.get(task=call_for_remi)
    assert send_notification_email(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_a_failed_send_can_be_retried(call_for_remi, monkeypatch):
    notification = Notification.objects.get(task=call_for_remi)

    def broken(**kwargs: object) -> None:
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("encaisse.collaboration.notifications.send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        send_notification_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert send_notification_email(notification_id=notification.pk) is True


def test_a_task_without_assignee_goes_to_finance_and_notifies_nobody(remis_customer, on_march_5th):
    task = create_task(
        customer=remis_customer,
        kind=TaskKind.TASK,
        title="Check the customer's bank details",
        due_on=TODAY,
        invoices=[],
    )
    assert task.assignee is None
    assert not Notification.objects.exists()


def test_a_task_cannot_go_to_someone_outside_whose_portfolio_the_customer_is(
    remis_customer, rep_paul, on_march_5th
):
    with pytest.raises(BadInput, match=r"^assignee: "):
        create_task(
            customer=remis_customer, kind="call", title="Call", due_on=TODAY, invoices=[],
            assignee=rep_paul,
        )  # fmt: skip


def test_a_run_never_gives_a_task_to_someone_outside_the_portfolio_and_says_why(
    remis_customer, rep_paul, on_march_5th
):
    """The same rule in the bulk path: a run decided the assignee, so the task goes to
    finance's queue, its instructions saying why, and Paul is not notified."""
    tasks = create_tasks(
        [
            TaskSpec(
                customer=remis_customer, kind="call", title="Call", due_on=TODAY,
                invoice_ids=[], source="run-1:call", instructions="Ask for the March invoices",
                assignee=rep_paul,
            )
        ]
    )  # fmt: skip
    task = tasks["run-1:call"]
    assert task.assignee is None
    assert task.instructions.startswith("For finance: ")
    assert "does not have this customer in their portfolio" in task.instructions
    assert task.instructions.endswith("Ask for the March invoices")
    assert not Notification.objects.filter(recipient=rep_paul).exists()


def test_a_task_cannot_list_another_customers_invoices(
    remis_customer, portfolios, rep_remi, on_march_5th
):
    with pytest.raises(BadInput, match=r"^invoices: F-paul-1 belong to another customer"):
        create_task(
            customer=remis_customer, kind="call", title="Call", due_on=TODAY,
            invoices=list(portfolios["paul1"].invoices.all()), assignee=rep_remi,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "title", "message"),
    [("visit", "Go and see them", "^kind: "), ("call", "  ", "^title: ")],
)
def test_a_task_needs_a_known_kind_and_a_title(
    remis_customer, rep_remi, on_march_5th, kind, title, message
):
    with pytest.raises(BadInput, match=message):
        create_task(
            customer=remis_customer, kind=kind, title=title, due_on=TODAY, invoices=[],
            assignee=rep_remi,
        )  # fmt: skip


def test_a_task_about_invoices_not_yet_due_says_how_much_is_open(
    remis_customer, rep_remi, on_march_5th
):
    from encaisse.ledger.tests.factories import InvoiceFactory

    upcoming = InvoiceFactory(
        customer=remis_customer, number="F-next", issue_date=dt.date(2026, 3, 1)
    )
    create_task(
        customer=remis_customer, kind="call", title="Courtesy call", due_on=TODAY,
        invoices=[upcoming], assignee=rep_remi,
    )  # fmt: skip
    title = Notification.objects.get(recipient=rep_remi).title
    assert title.startswith("Appeler Client Rémi 1 : 1 facture, reste dû 1")
    assert title.endswith("€")

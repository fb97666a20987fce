"""A dunning run creates its calls in bulk: idempotent by source, one notice per person."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Notification, Task
from encaisse.collaboration.services import TaskSpec, create_tasks
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def _specs(customers, assignee, prefix="run-1"):
    return [
        TaskSpec(
            customer=customer,
            kind="call",
            title=f"Call {customer.name}",
            due_on=TODAY,
            invoice_ids=list(customer.invoices.values_list("pk", flat=True)),
            source=f"{prefix}:{customer.pk}",
            assignee=assignee,
        )
        for customer in customers
    ]


def test_many_calls_for_one_rep_make_one_notification_and_each_task_keeps_its_invoices(
    rep_remi, lyon
):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    customers = [CustomerFactory(sales_rep=rep_remi, agency=lyon) for _ in range(5)]
    for customer in customers:
        InvoiceFactory.create_batch(2, customer=customer)

    tasks = create_tasks(_specs(customers, rep_remi))

    assert len(tasks) == 5
    assert all(task.assignee == rep_remi for task in tasks.values())
    assert all(task.invoices.count() == 2 for task in tasks.values())
    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "5 new calls in your day"
    assert notice.url == "/my-day/"


def test_creating_the_same_batch_again_creates_and_notifies_nothing(rep_remi, lyon):
    customers = [CustomerFactory(sales_rep=rep_remi, agency=lyon) for _ in range(3)]
    first = create_tasks(_specs(customers, rep_remi))
    again = create_tasks(_specs(customers, rep_remi))
    assert {task.pk for task in again.values()} == {task.pk for task in first.values()}
    assert Task.objects.count() == 3
    assert Notification.objects.count() == 1


def test_a_customer_outside_the_assignees_portfolio_goes_to_finance(rep_remi, rep_sarah, lyon):
    foreign = CustomerFactory(sales_rep=rep_sarah, agency=lyon)
    tasks = create_tasks(_specs([foreign], rep_remi))
    assert tasks[f"run-1:{foreign.pk}"].assignee is None
    assert not Notification.objects.filter(recipient=rep_remi).exists()

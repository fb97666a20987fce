"""The customer page tells each thing once, as it stands: a call step that became Rémi's
task is the task (done with its outcome as soon as he records it, not at the next run);
and it links only to what its reader may open (Rémi does not get a link to his manager's
task, which would be a 404 for him; Maud and finance do)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from encaisse.collaboration.models import Task, TaskKind
from encaisse.collaboration.services import create_task, record_task_outcome
from encaisse.dunning.selectors import customer_dunning_history
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.timeline import customer_timeline
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CALL_DAY = dt.date(2026, 3, 3)


@pytest.fixture
def story(dunning_ready, rep_remi, manager_maud, lyon):
    """Garage Rémi is 30 days late: the run asks Rémi to call; Maud has a task of her own."""
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        customer = CustomerFactory(
            entity=dunning_ready, segment="sme", sales_rep=rep_remi, agency=lyon, name="Garage R"
        )
        InvoiceFactory(
            customer=customer,
            number="FA-1",
            issue_date=dt.date(2026, 1, 2),
            due_date=dt.date(2026, 2, 1),
            amount=Decimal("800.00"),
        )
        execute_dunning_run(as_of=CALL_DAY)
        call = Task.objects.get(customer=customer, assignee=rep_remi)
        mauds = create_task(
            customer=customer,
            kind=TaskKind.TASK,
            title="Meet the manager of Garage R",
            due_on=CALL_DAY,
            invoices=[],
            assignee=manager_maud,
        )
        yield customer, call, mauds


def _tasks_and_calls(events):
    return [event for event in events if event.kind in {"call", "task"}]


def test_a_call_step_that_became_a_task_shows_once_with_its_outcome(story, rep_remi):
    customer, call, _mauds = story
    record_task_outcome(
        task=call,
        outcome="promise",
        by=rep_remi,
        on=CALL_DAY,
        promised_for=dt.date(2026, 3, 20),
    )

    events = customer_timeline(customer, reader=rep_remi)
    calls = [event for event in events if event.kind == "call"]
    assert len(calls) == 1
    assert calls[0].title.endswith(": Promise to pay")
    # The dunning panel's "Done" list says the same at once, before the next run.
    [action] = [a for a in customer_dunning_history(customer) if a.task_id == call.pk]
    assert action.status_label == "Done: Promise to pay"


def test_a_rep_gets_no_link_to_his_managers_task_but_to_his_own(story, rep_remi, client):
    customer, call, mauds = story
    links = {e.title: e.url for e in _tasks_and_calls(customer_timeline(customer, reader=rep_remi))}
    assert links[f"{mauds.title}: To do"] == ""
    assert links[f"{call.title}: To do"] == reverse("task-detail", args=[call.pk])

    client.force_login(rep_remi)
    page = client.get(reverse("customer-detail", args=[customer.pk])).content.decode()
    assert mauds.title in page
    assert reverse("task-detail", args=[mauds.pk]) not in page
    assert client.get(reverse("task-detail", args=[call.pk])).status_code == 200


@pytest.mark.parametrize("reader", ["manager_maud", "finance_fanny"])
def test_the_manager_and_finance_get_a_link_to_every_task_they_may_open(
    story, reader, request, client
):
    customer, call, mauds = story
    user = request.getfixturevalue(reader)
    urls = {e.url for e in _tasks_and_calls(customer_timeline(customer, reader=user))}
    assert urls == {reverse("task-detail", args=[t.pk]) for t in (call, mauds)}
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 200


def test_without_a_reader_no_task_is_linked(story):
    customer, _call, _mauds = story
    assert all(not e.url for e in _tasks_and_calls(customer_timeline(customer)))

"""Maud got "16 nouveaux appels et tâches… 0 appel": sixteen follow-up tasks, no call. A
notification of many new tasks says how many calls and how many other tasks, and both are
right."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Notification
from encaisse.collaboration.services import TaskSpec, create_tasks
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.ledger.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _specs(customers, assignee, kinds):
    return [
        TaskSpec(
            customer=customer,
            kind=kind,
            title=f"Follow up {customer.name}",
            due_on=TODAY,
            invoice_ids=[],
            source=f"run:{customer.pk}",
            assignee=assignee,
        )
        for customer, kind in zip(customers, kinds, strict=True)
    ]


def _lines(notice):
    return [line for line in notice.body.splitlines() if not line.startswith(("- ", "..."))]


def test_sixteen_follow_up_tasks_and_no_call_are_announced_as_sixteen_tasks(
    manager_maud, rep_remi, lyon
):
    customers = [CustomerFactory(sales_rep=rep_remi, agency=lyon) for _ in range(16)]
    create_tasks(_specs(customers, manager_maud, ["task"] * 16))

    [notice] = Notification.objects.filter(recipient=manager_maud)
    assert "16" in notice.title
    assert "0" not in notice.title
    assert not any("0" in line for line in _lines(notice))
    assert "appel" not in notice.title


def test_calls_and_tasks_are_counted_each(rep_remi, lyon):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    customers = [CustomerFactory(sales_rep=rep_remi, agency=lyon) for _ in range(5)]
    create_tasks(_specs(customers, rep_remi, ["call", "call", "call", "task", "task"]))

    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "5 new calls and tasks in your day"
    assert _lines(notice) == ["3 calls, 2 tasks"]


def test_only_calls_are_announced_as_calls(rep_remi, lyon):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    customers = [CustomerFactory(sales_rep=rep_remi, agency=lyon) for _ in range(4)]
    create_tasks(_specs(customers, rep_remi, ["call"] * 4))

    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "4 new calls in your day"
    assert _lines(notice) == []

"""What each person finds in their day, and what a manager sees of the team's."""

from __future__ import annotations

import datetime as dt

import pytest

from encaisse.collaboration.selectors import (
    my_day,
    team_tasks,
    unread_notification_count,
    visible_tasks,
)
from encaisse.collaboration.services import create_task, record_task_outcome
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def _call(customer, assignee, due_on, title="Call", invoices=None):
    return create_task(
        customer=customer,
        kind="call",
        title=title,
        due_on=due_on,
        invoices=list(customer.invoices.all()) if invoices is None else invoices,
        assignee=assignee,
    )


def test_my_day_puts_late_tasks_first_then_todays_then_those_coming(
    portfolios, rep_remi, on_march_5th
):
    remi1, remi2 = portfolios["remi1"], portfolios["remi2"]
    coming = _call(remi1, rep_remi, TODAY + dt.timedelta(days=2), "coming")
    today = _call(remi2, rep_remi, TODAY, "today")
    very_late = _call(remi1, rep_remi, TODAY - dt.timedelta(days=5), "very late")
    late = _call(remi2, rep_remi, TODAY - dt.timedelta(days=1), "late")
    day = my_day(rep_remi, TODAY)
    assert [card.task for card in day.late] == [very_late, late]
    assert [card.task for card in day.due_today] == [today]
    assert [card.task for card in day.upcoming] == [coming]
    assert day.count == 4
    assert day.late[0].days_behind == 5


def test_my_day_says_why_how_much_and_whom_to_call(call_for_remi, rep_remi):
    [card] = my_day(rep_remi, TODAY).due_today
    assert [invoice.number for invoice in card.invoices] == ["F-remi-1", "F-remi-1b"]
    assert str(card.open_amount) == "2000.00"
    assert card.days_late == 33
    assert card.contact_name == "Jeanne Compta"
    assert card.phone == "04 72 11 22 33"


def test_my_day_falls_back_on_the_customers_phone(portfolios, rep_remi, on_march_5th):
    customer = portfolios["remi2"]
    customer.phone = "04 78 00 00 00"
    customer.save()
    ContactFactory(customer=customer, name="No phone", phone="", is_primary=True)
    _call(customer, rep_remi, TODAY)
    [card] = my_day(rep_remi, TODAY).due_today
    assert card.phone == "04 78 00 00 00"


def test_done_tasks_and_other_peoples_tasks_are_not_in_my_day(
    call_for_remi, portfolios, rep_remi, rep_sarah
):
    _call(portfolios["sarah1"], rep_sarah, TODAY)
    record_task_outcome(task=call_for_remi, outcome="reached", by=rep_remi, on=TODAY)
    assert my_day(rep_remi, TODAY).count == 0
    assert my_day(rep_sarah, TODAY).count == 1


def test_my_day_loads_in_a_few_queries_however_many_tasks(
    entity, rep_remi, on_march_5th, django_assert_max_num_queries
):
    for index in range(12):
        customer = CustomerFactory(entity=entity, sales_rep=rep_remi, name=f"Client {index}")
        for _ in range(3):
            InvoiceFactory(customer=customer)
        ContactFactory(customer=customer, phone="0600000000")
        _call(customer, rep_remi, TODAY - dt.timedelta(days=index % 3))
    with django_assert_max_num_queries(4):
        day = my_day(rep_remi, TODAY)
        assert day.count == 12
        assert sum(len(card.invoices) for card in day.late + day.due_today) == 36


def test_finance_finds_the_unassigned_tasks_in_its_day(
    remis_customer, finance_fanny, rep_remi, on_march_5th
):
    queued = _call(remis_customer, None, TODAY, "Check bank details")
    _call(remis_customer, rep_remi, TODAY, "Rémi's call")
    [card] = my_day(finance_fanny, TODAY).due_today
    assert card.task == queued
    assert card.is_unassigned
    assert my_day(rep_remi, TODAY).due_today[0].task.title == "Rémi's call"


def test_a_rep_sees_only_the_tasks_assigned_to_them(
    remis_customer, rep_remi, finance_fanny, on_march_5th
):
    _call(remis_customer, None, TODAY, "Finance's own check")
    assert list(visible_tasks(rep_remi)) == []
    assert visible_tasks(finance_fanny).count() == 1


def test_a_task_leaves_the_reps_day_when_the_customer_leaves_the_portfolio(
    call_for_remi, remis_customer, rep_paul, rep_remi
):
    remis_customer.sales_rep = rep_paul
    remis_customer.save()
    assert my_day(rep_remi, TODAY).count == 0
    assert unread_notification_count(rep_remi) == 0


def test_a_manager_sees_the_teams_tasks_by_rep_with_the_late_ones_first(
    portfolios, rep_remi, rep_sarah, rep_paul, manager_maud, on_march_5th
):
    _call(portfolios["remi1"], rep_remi, TODAY)
    _call(portfolios["sarah1"], rep_sarah, TODAY - dt.timedelta(days=3))
    _call(portfolios["sarah2"], rep_sarah, TODAY + dt.timedelta(days=1))
    _call(portfolios["paul1"], rep_paul, TODAY - dt.timedelta(days=9))  # another team
    team = team_tasks(manager_maud, TODAY)
    assert [(member.person, member.late, len(member.tasks)) for member in team] == [
        (rep_sarah, 1, 2),
        (rep_remi, 0, 1),
    ]


def test_an_agency_manager_sees_the_tasks_of_the_agencys_customers(
    portfolios, rep_remi, rep_paul, agency_manager_anna, on_march_5th
):
    _call(portfolios["remi1"], rep_remi, TODAY)
    _call(portfolios["paul1"], rep_paul, TODAY)
    assert [member.person for member in team_tasks(agency_manager_anna, TODAY)] == [rep_remi]


def test_a_rep_has_no_team(call_for_remi, rep_remi):
    assert team_tasks(rep_remi, TODAY) == []


def test_the_unread_count_is_a_single_query(call_for_remi, rep_remi, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert unread_notification_count(rep_remi) == 1

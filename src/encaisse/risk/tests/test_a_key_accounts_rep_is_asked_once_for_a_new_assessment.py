"""Key accounts are assessed again every ENCAISSE_ASSESSMENT_MONTHS: the daily job gives the
rep one task when the latest assessment is that old (or there is none), and recording a new
assessment closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from encaisse.collaboration.models import Notification, Task, TaskStatus
from encaisse.core.dates import today
from encaisse.risk.assessment import QUESTION_FIELDS, record_field_assessment
from encaisse.risk.assessment_reminders import remind_reps_of_due_assessments
from encaisse.risk.tasks_assessment import remind_reps_of_due_assessments_task

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)
JOB = "encaisse.risk.tasks_assessment.remind_reps_of_due_assessments_task"


@pytest.fixture
def key_accounts(portfolios, rep_remi, rep_sarah):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    for name in ("remi1", "remi2", "sarah1"):
        portfolios[name].segment = "key_account"
        portfolios[name].save(update_fields=["segment"])
    return portfolios


def assess(customer, by, on: dt.date):
    return record_field_assessment(
        customer=customer,
        assessed_by=by,
        assessed_on=on,
        answers=dict.fromkeys(QUESTION_FIELDS, "good"),
        certified=True,
        today=on,
    )


def test_the_job_is_in_the_one_list_of_daily_jobs_and_the_setting_defaults_to_a_year():
    assert JOB in settings.ENCAISSE_DAILY_JOBS
    assert settings.ENCAISSE_ASSESSMENT_MONTHS == 12


def test_a_key_account_never_or_long_ago_assessed_gets_one_task_for_its_rep(
    key_accounts, rep_remi, rep_sarah
):
    remi1, remi2, sarah1 = key_accounts["remi1"], key_accounts["remi2"], key_accounts["sarah1"]
    assess(remi1, rep_remi, dt.date(2025, 11, 30))  # 12 months: due
    assess(remi2, rep_remi, dt.date(2025, 12, 1))  # 11 months and 29 days: not yet
    # sarah1: never assessed; the SME customers (sarah2, paul1, paul2) are not asked.

    assert remind_reps_of_due_assessments_task(as_of=MONDAY.isoformat()) == 2

    tasks = {task.customer: task for task in Task.objects.all()}
    assert set(tasks) == {remi1, sarah1}
    assert (tasks[remi1].assignee, tasks[sarah1].assignee) == (rep_remi, rep_sarah)
    assert tasks[remi1].title == "Assess Client Rémi 1 in the field: assessed 12 months ago"
    assert tasks[remi1].instructions.startswith("Last assessment on ")
    assert tasks[remi1].due_on == MONDAY
    assert Notification.objects.filter(recipient=rep_remi, task=tasks[remi1]).count() == 1


def test_running_it_again_the_same_day_or_the_next_asks_nothing_more(key_accounts, rep_remi):
    assert remind_reps_of_due_assessments(as_of=MONDAY) == 3
    assert remind_reps_of_due_assessments(as_of=MONDAY) == 0
    assert remind_reps_of_due_assessments(as_of=MONDAY + dt.timedelta(days=1)) == 0
    assert Task.objects.count() == 3
    assert Notification.objects.filter(recipient=rep_remi).count() == 1  # one for his two


def test_a_new_assessment_closes_the_task_and_the_next_one_is_asked_a_year_later(
    key_accounts, rep_remi
):
    remi1 = key_accounts["remi1"]
    remind_reps_of_due_assessments(as_of=MONDAY)
    task = Task.objects.get(customer=remi1)
    assess(remi1, rep_remi, MONDAY)
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert task.outcome_note == "Field assessment recorded."

    assert remind_reps_of_due_assessments(as_of=dt.date(2027, 11, 29)) == 0
    assert remind_reps_of_due_assessments(as_of=dt.date(2027, 11, 30)) == 1
    assert Task.objects.filter(customer=remi1, status=TaskStatus.OPEN).count() == 1


def test_the_months_come_from_the_setting(key_accounts, rep_remi, settings):
    settings.ENCAISSE_ASSESSMENT_MONTHS = 6
    assess(key_accounts["remi1"], rep_remi, dt.date(2026, 5, 30))
    assess(key_accounts["remi2"], rep_remi, dt.date(2026, 6, 1))
    remind_reps_of_due_assessments(as_of=MONDAY)
    assert set(Task.objects.values_list("customer__external_id", flat=True)) == {
        "REMI-1",
        "SARAH-1",
    }


def test_a_key_account_without_a_rep_is_not_asked(key_accounts):
    for customer in key_accounts.values():
        customer.sales_rep = None
        customer.save(update_fields=["sales_rep"])
    assert remind_reps_of_due_assessments(as_of=MONDAY) == 0


def test_the_panel_says_a_key_account_is_due(client, key_accounts, rep_remi):
    client.force_login(rep_remi)
    page = client.get(f"/customers/{key_accounts['remi1'].pk}/").content.decode()
    assert 'data-testid="assessment-due"' in page
    assess(key_accounts["remi1"], rep_remi, today())
    page = client.get(f"/customers/{key_accounts['remi1'].pk}/").content.decode()
    assert 'data-testid="assessment-due"' not in page

"""Saying how a call went: the task is done, and a promise or a dispute is recorded with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from encaisse.collaboration.models import (
    CallOutcome,
    Dispute,
    DisputeReason,
    Notification,
    PromiseToPay,
    TaskStatus,
)
from encaisse.collaboration.services import cancel_task, create_task, record_task_outcome
from encaisse.collaboration.tests.conftest import TODAY
from encaisse.core.errors import BadInput

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "outcome", [CallOutcome.REACHED, CallOutcome.NO_ANSWER, CallOutcome.WRONG_CONTACT]
)
def test_a_simple_outcome_closes_the_task(call_for_remi, rep_remi, outcome):
    task = record_task_outcome(
        task=call_for_remi, outcome=outcome, by=rep_remi, note="Spoke to Jeanne", on=TODAY
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.outcome == outcome
    assert task.outcome_note == "Spoke to Jeanne"
    assert task.done_on == TODAY
    assert task.done_by == rep_remi
    assert not PromiseToPay.objects.exists()
    assert not Dispute.objects.exists()


def test_a_promise_to_pay_is_recorded_on_the_tasks_invoices(call_for_remi, rep_remi):
    task = record_task_outcome(
        task=call_for_remi,
        outcome=CallOutcome.PROMISE,
        by=rep_remi,
        on=TODAY,
        promised_for=dt.date(2026, 3, 15),
        promised_amount=Decimal("1500.00"),
        note="Transfer on the 15th",
    )
    promise = PromiseToPay.objects.get()
    assert task.promise == promise
    assert promise.customer == call_for_remi.customer
    assert promise.promised_for == dt.date(2026, 3, 15)
    assert promise.amount == Decimal("1500.00")
    assert promise.recorded_by == rep_remi
    assert promise.recorded_on == TODAY
    assert sorted(promise.invoices.values_list("number", flat=True)) == ["F-remi-1", "F-remi-1b"]
    assert task.outcome == CallOutcome.PROMISE


def test_a_promise_without_amount_is_a_promise_to_pay_everything(call_for_remi, rep_remi):
    record_task_outcome(
        task=call_for_remi, outcome="promise", by=rep_remi, on=TODAY, promised_for=TODAY
    )
    assert PromiseToPay.objects.get().amount is None


def test_a_promise_needs_a_date(call_for_remi, rep_remi):
    with pytest.raises(BadInput, match=r"^promised_for: give the date"):
        record_task_outcome(task=call_for_remi, outcome="promise", by=rep_remi, on=TODAY)
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.OPEN


def test_a_promise_cannot_be_for_a_date_already_past(call_for_remi, rep_remi):
    with pytest.raises(BadInput, match=r"^promised_for: 2026-03-04 is already past"):
        record_task_outcome(
            task=call_for_remi, outcome="promise", by=rep_remi, on=TODAY,
            promised_for=dt.date(2026, 3, 4),
        )  # fmt: skip


def test_a_promised_amount_must_be_positive(call_for_remi, rep_remi):
    with pytest.raises(BadInput, match=r"^promised_amount: "):
        record_task_outcome(
            task=call_for_remi, outcome="promise", by=rep_remi, on=TODAY, promised_for=TODAY,
            promised_amount=Decimal("0"),
        )  # fmt: skip


def test_a_dispute_is_opened_on_the_tasks_invoices_with_its_reason(call_for_remi, rep_remi):
    task = record_task_outcome(
        task=call_for_remi,
        outcome=CallOutcome.DISPUTE,
        by=rep_remi,
        on=TODAY,
        dispute_reason=DisputeReason.QUANTITY,
        note="Two pallets missing",
    )
    dispute = Dispute.objects.get()
    assert task.dispute == dispute
    assert dispute.reason == DisputeReason.QUANTITY
    assert dispute.opened_by == rep_remi
    assert dispute.opened_on == TODAY
    assert dispute.note == "Two pallets missing"
    assert dispute.invoices.count() == 2


@pytest.mark.parametrize(("reason", "message"), [(None, "choose why"), ("mood", "'mood' is not")])
def test_a_dispute_needs_a_known_reason(call_for_remi, rep_remi, reason, message):
    with pytest.raises(BadInput, match=f"^dispute_reason: {message}"):
        record_task_outcome(
            task=call_for_remi, outcome="dispute", by=rep_remi, on=TODAY, dispute_reason=reason
        )
    assert not Dispute.objects.exists()


def test_an_unknown_outcome_is_refused(call_for_remi, rep_remi):
    with pytest.raises(BadInput, match=r"^outcome: 'voicemail' is not an outcome"):
        record_task_outcome(task=call_for_remi, outcome="voicemail", by=rep_remi, on=TODAY)


def test_a_task_is_done_only_once(call_for_remi, rep_remi):
    record_task_outcome(task=call_for_remi, outcome="reached", by=rep_remi, on=TODAY)
    with pytest.raises(BadInput, match=r"^status: this task is already done"):
        record_task_outcome(
            task=call_for_remi, outcome="promise", by=rep_remi, on=TODAY, promised_for=TODAY
        )
    assert not PromiseToPay.objects.exists()


def test_a_rep_cannot_record_the_outcome_of_another_reps_task(call_for_remi, rep_sarah):
    with pytest.raises(PermissionDenied):
        record_task_outcome(task=call_for_remi, outcome="reached", by=rep_sarah, on=TODAY)
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.OPEN


def test_a_viewer_cannot_record_an_outcome(call_for_remi, viewer_victor):
    with pytest.raises(PermissionDenied):
        record_task_outcome(task=call_for_remi, outcome="reached", by=viewer_victor, on=TODAY)


@pytest.mark.parametrize("who", ["manager_maud", "finance_fanny", "admin_alice"])
def test_the_reps_manager_and_finance_may_record_the_outcome(call_for_remi, request, who):
    person = request.getfixturevalue(who)
    task = record_task_outcome(task=call_for_remi, outcome="no_answer", by=person, on=TODAY)
    assert task.done_by == person


def test_only_finance_may_close_a_task_of_its_queue(remis_customer, rep_remi, finance_fanny):
    task = create_task(
        customer=remis_customer, kind="task", title="Check bank details", due_on=TODAY,
        invoices=[],
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_task_outcome(task=task, outcome="reached", by=rep_remi, on=TODAY)
    record_task_outcome(task=task, outcome="reached", by=finance_fanny, on=TODAY)


def test_a_promise_on_a_task_without_invoices_covers_the_customers_open_invoices(
    remis_customer, rep_remi, on_march_5th
):
    task = create_task(
        customer=remis_customer, kind="call", title="Call", due_on=TODAY, invoices=[],
        assignee=rep_remi,
    )  # fmt: skip
    record_task_outcome(task=task, outcome="promise", by=rep_remi, on=TODAY, promised_for=TODAY)
    assert PromiseToPay.objects.get().invoices.count() == 2


def test_recording_the_outcome_reads_the_tasks_notification(call_for_remi, rep_remi):
    assert Notification.objects.get(task=call_for_remi).read_at is None
    record_task_outcome(task=call_for_remi, outcome="reached", by=rep_remi, on=TODAY)
    assert Notification.objects.get(task=call_for_remi).read_at is not None


def test_a_cancelled_task_leaves_the_day_and_cannot_be_recorded(call_for_remi, rep_remi):
    cancel_task(task=call_for_remi, note="Paid in full")
    call_for_remi.refresh_from_db()
    assert call_for_remi.status == TaskStatus.CANCELLED
    with pytest.raises(BadInput, match=r"^status: this task is already cancelled"):
        record_task_outcome(task=call_for_remi, outcome="reached", by=rep_remi, on=TODAY)

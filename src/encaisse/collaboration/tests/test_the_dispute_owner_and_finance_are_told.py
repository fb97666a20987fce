"""The owner of a dispute hears of what others do to it (given it, moved on, commented), not
of what they do themselves; finance and the owner hear once when its answer is overdue,
however often the daily job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from encaisse.collaboration.models import Dispute, Notification
from encaisse.collaboration.services_disputes import (
    assign_dispute,
    comment_dispute,
    open_dispute,
    set_dispute_due_date,
    start_investigation,
    withdraw_dispute,
)
from encaisse.collaboration.tasks import notify_overdue_disputes_task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def dispute(portfolios, rep_remi):
    customer = portfolios["remi1"]
    return open_dispute(
        customer=customer,
        invoices=list(customer.invoices.all()),
        reason="delivery",
        opened_on=TODAY,
        opened_by=rep_remi,
        due_on=TODAY + dt.timedelta(days=10),
    )


def titles(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person).order_by("pk").values_list("title", flat=True)
    )


def test_the_owner_hears_of_what_others_do(english_speaking, dispute, rep_remi, finance_fanny):
    english_speaking()
    assign_dispute(dispute=dispute, owner=rep_remi, by=finance_fanny, on=TODAY)
    start_investigation(dispute=dispute, by=rep_remi, on=TODAY)  # himself: nothing
    comment_dispute(dispute=dispute, by=finance_fanny, on=TODAY, comment="Le BL ?")
    withdraw_dispute(dispute=dispute, by=finance_fanny, on=TODAY)
    assert titles(rep_remi) == [
        "Dispute for you: Client Rémi 1, Delivery",
        "Dispute of Client Rémi 1: a comment from Fanny Finance",
        "Dispute of Client Rémi 1: Withdrawn",
    ]
    told = Notification.objects.filter(recipient=rep_remi).first()
    assert told.url == f"/disputes/{dispute.pk}/"
    assert told.customer == dispute.customer


def test_an_overdue_dispute_is_told_once_to_finance_and_its_owner(
    english_speaking, dispute, rep_remi, finance_fanny, admin_alice, manager_maud
):
    english_speaking()
    assert "encaisse.collaboration.tasks.notify_overdue_disputes_task" in (
        settings.ENCAISSE_DAILY_JOBS
    )
    assign_dispute(dispute=dispute, owner=rep_remi, by=finance_fanny, on=TODAY)
    Notification.objects.all().delete()
    assert notify_overdue_disputes_task(as_of=(TODAY + dt.timedelta(days=10)).isoformat()) == 0
    late = (TODAY + dt.timedelta(days=12)).isoformat()
    assert notify_overdue_disputes_task(as_of=late) == 1
    assert notify_overdue_disputes_task(as_of=late) == 0  # the same day again
    for person in (finance_fanny, admin_alice, rep_remi):
        assert titles(person) == ["Dispute past its due date: Client Rémi 1, Delivery"]
    assert titles(manager_maud) == []
    body = Notification.objects.get(recipient=finance_fanny).body
    assert "2 days ago" in body
    assert "Rémi Commercial" in body
    assert Dispute.objects.get().overdue_notified_on == TODAY + dt.timedelta(days=12)


def test_a_new_due_date_lets_finance_hear_again_and_a_closed_one_is_quiet(
    english_speaking, dispute, finance_fanny
):
    english_speaking()
    day = TODAY + dt.timedelta(days=12)
    assert notify_overdue_disputes_task(as_of=day.isoformat()) == 1
    set_dispute_due_date(
        dispute=dispute, due_on=day + dt.timedelta(days=5), by=finance_fanny, on=day
    )
    assert notify_overdue_disputes_task(as_of=(day + dt.timedelta(days=6)).isoformat()) == 1
    withdraw_dispute(dispute=dispute, by=finance_fanny, on=day)
    Dispute.objects.update(overdue_notified_on=None)
    assert notify_overdue_disputes_task(as_of=(day + dt.timedelta(days=30)).isoformat()) == 0

"""Each morning the daily check calls every pending promise kept (enough allocated to its
invoices between the day it was taken and the end of its grace period) or broken (the grace
period is over without it); twice the same day changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from encaisse.collaboration.models import Notification, PromiseStatus
from encaisse.collaboration.promises import (
    PromiseCheck,
    PromiseKeeping,
    check_promises,
    paused_until,
    promise_keeping,
    promise_keeping_by_customer,
    record_promise,
)
from encaisse.collaboration.tasks import check_promises_task
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

TAKEN = dt.date(2026, 3, 5)
PROMISED = dt.date(2026, 3, 16)  # a Monday; with three days' grace, dunning waits until the 19th


@pytest.fixture(autouse=True)
def _three_days_grace(settings):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 3


@pytest.fixture
def invoices(remis_customer):
    return list(remis_customer.invoices.order_by("number"))  # 1 000 € each


def take(customer, invoices, *, amount=None, by=None):
    return record_promise(
        customer=customer,
        invoices=invoices,
        promised_for=PROMISED,
        recorded_on=TAKEN,
        amount=amount,
        recorded_by=by,
    )


def pay(invoice, amount: str, on: dt.date):
    payment = PaymentFactory(customer=invoice.customer, amount=Decimal(amount), date=on)
    allocate(invoice=invoice, payment=payment, amount=Decimal(amount), on=on)


def state(promise):
    promise.refresh_from_db()
    return promise.status, promise.decided_on


def test_dunning_waits_until_the_promised_date_plus_the_grace_days():
    assert paused_until(PROMISED) == dt.date(2026, 3, 19)


def test_the_grace_period_is_a_setting_of_three_days_by_default():
    assert django_settings.ENCAISSE_PROMISE_GRACE_DAYS == 3
    assert "encaisse.collaboration.tasks.check_promises_task" in django_settings.ENCAISSE_DAILY_JOBS


def test_paid_in_time_the_promise_is_kept(remis_customer, invoices):
    promise = take(remis_customer, invoices, amount=Decimal("1500.00"))
    pay(invoices[0], "1000.00", PROMISED - dt.timedelta(days=1))
    pay(invoices[1], "500.00", PROMISED)
    assert check_promises(as_of=PROMISED + dt.timedelta(days=4)) == PromiseCheck(kept=1, broken=0)
    assert state(promise) == (PromiseStatus.KEPT, PROMISED + dt.timedelta(days=4))


def test_paid_before_the_date_the_promise_is_kept_at_once(remis_customer, invoices):
    promise = take(remis_customer, invoices, amount=Decimal("1000.00"))
    pay(invoices[0], "1000.00", dt.date(2026, 3, 9))
    assert check_promises(as_of=dt.date(2026, 3, 8)) == PromiseCheck(kept=0, broken=0)
    assert check_promises(as_of=dt.date(2026, 3, 9)) == PromiseCheck(kept=1, broken=0)
    assert state(promise) == (PromiseStatus.KEPT, dt.date(2026, 3, 9))


def test_paid_within_the_grace_days_the_promise_is_kept(remis_customer, invoices):
    promise = take(remis_customer, invoices, amount=Decimal("1000.00"))
    pay(invoices[0], "1000.00", dt.date(2026, 3, 19))
    check_promises(as_of=dt.date(2026, 3, 20))
    assert state(promise)[0] == PromiseStatus.KEPT


def test_unpaid_the_promise_waits_until_the_grace_days_are_over(remis_customer, invoices):
    promise = take(remis_customer, invoices, amount=Decimal("1000.00"))
    assert check_promises(as_of=dt.date(2026, 3, 19)) == PromiseCheck(kept=0, broken=0)
    assert state(promise) == (PromiseStatus.PENDING, None)
    assert check_promises(as_of=dt.date(2026, 3, 20)) == PromiseCheck(kept=0, broken=1)
    assert state(promise) == (PromiseStatus.BROKEN, dt.date(2026, 3, 20))


def test_paid_too_little_or_too_late_the_promise_is_broken(remis_customer, invoices):
    short = take(remis_customer, invoices[:1], amount=Decimal("1000.00"))
    pay(invoices[0], "999.00", PROMISED)
    late = take(remis_customer, invoices[1:], amount=Decimal("1000.00"))
    pay(invoices[1], "1000.00", dt.date(2026, 3, 21))
    assert check_promises(as_of=dt.date(2026, 3, 22)) == PromiseCheck(kept=0, broken=2)
    assert state(short)[0] == state(late)[0] == PromiseStatus.BROKEN


def test_a_payment_before_the_promise_was_taken_does_not_count(remis_customer, invoices):
    pay(invoices[0], "400.00", TAKEN - dt.timedelta(days=1))
    promise = take(remis_customer, invoices[:1], amount=Decimal("600.00"))
    pay(invoices[0], "500.00", PROMISED)
    check_promises(as_of=dt.date(2026, 3, 20))
    assert state(promise)[0] == PromiseStatus.BROKEN  # 500 of the 600 promised came in time


def test_without_an_amount_the_invoices_must_be_settled(remis_customer, invoices):
    promise = take(remis_customer, invoices)
    pay(invoices[0], "1000.00", PROMISED)
    pay(invoices[1], "999.99", PROMISED)
    check_promises(as_of=dt.date(2026, 3, 20))
    assert state(promise)[0] == PromiseStatus.BROKEN

    settled = take(remis_customer, invoices[1:])
    pay(invoices[1], "0.01", dt.date(2026, 3, 18))  # booked late, dated in time
    check_promises(as_of=dt.date(2026, 3, 21))
    assert state(settled) == (PromiseStatus.KEPT, dt.date(2026, 3, 21))


def test_twice_the_same_day_changes_nothing(remis_customer, invoices, rep_remi, finance_fanny):
    kept = take(remis_customer, invoices[:1], amount=Decimal("100.00"), by=rep_remi)
    pay(invoices[0], "100.00", PROMISED)
    broken = take(remis_customer, invoices[1:], amount=Decimal("100.00"), by=rep_remi)
    day = dt.date(2026, 3, 20)
    assert check_promises(as_of=day) == PromiseCheck(kept=1, broken=1)
    told = Notification.objects.count()
    assert check_promises(as_of=day) == PromiseCheck(kept=0, broken=0)
    assert check_promises(as_of=day + dt.timedelta(days=1)) == PromiseCheck(kept=0, broken=0)
    assert Notification.objects.count() == told
    assert state(kept) == (PromiseStatus.KEPT, day)
    assert state(broken) == (PromiseStatus.BROKEN, day)


def test_the_daily_job_takes_the_day_as_an_iso_date(remis_customer, invoices):
    take(remis_customer, invoices, amount=Decimal("100.00"))
    assert check_promises_task(as_of="2026-03-20") == {"kept": 0, "broken": 1}
    assert check_promises_task(as_of="2026-03-20") == {"kept": 0, "broken": 0}


def test_the_keeping_rate_counts_kept_and_broken_promises(remis_customer, invoices, portfolios):
    assert promise_keeping(remis_customer) == PromiseKeeping()
    assert promise_keeping(remis_customer).rate is None
    for _ in range(2):
        take(remis_customer, invoices[:1], amount=Decimal("10.00"))
    pay(invoices[0], "20.00", PROMISED)
    take(remis_customer, invoices[1:], amount=Decimal("10.00"))
    check_promises(as_of=dt.date(2026, 3, 20))
    take(remis_customer, invoices[1:], amount=Decimal("10.00"))  # still pending
    keeping = promise_keeping(remis_customer)
    assert keeping == PromiseKeeping(
        kept=2, broken=1, pending=1, last_broken_on=dt.date(2026, 3, 20)
    )
    assert keeping.rate == Decimal("0.67")
    assert keeping.percent == 67
    other = portfolios["sarah1"]
    assert promise_keeping_by_customer([remis_customer.pk, other.pk]) == {
        remis_customer.pk: keeping
    }


def test_the_daily_jobs_of_the_morning_include_the_check(
    remis_customer,
    invoices,
    rep_remi,
    jobs_run_inline,
    django_capture_on_commit_callbacks,
    settings,
):
    from django.core import mail

    from encaisse.core.tasks import run_daily_jobs_task

    check = "encaisse.collaboration.tasks.check_promises_task"
    assert check in settings.ENCAISSE_DAILY_JOBS
    settings.ENCAISSE_DAILY_JOBS = [check]  # the others (the weekly e-mail) have their tests

    promise = take(remis_customer, invoices, amount=Decimal("100.00"), by=rep_remi)
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_jobs_task(as_of="2026-03-20")
    assert "encaisse.collaboration.tasks.check_promises_task" in jobs_run_inline
    assert state(promise) == (PromiseStatus.BROKEN, dt.date(2026, 3, 20))
    assert [message.to for message in mail.outbox] == [[rep_remi.email]]  # told by e-mail too

"""The nightly job (in ENCAISSE_DAILY_JOBS) scores every customer and keeps the day's
snapshot; run twice the same day, it writes the same rows again and tells nothing twice.
Lettered payments have their customers scored again at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from encaisse.collaboration.models import Notification
from encaisse.ledger.signals import invoices_paid
from encaisse.ledger.tests.factories import CustomerFactory, PaymentFactory
from encaisse.risk.models_score import RiskScore, RiskScoreSnapshot, WeakSignal
from encaisse.risk.tasks import score_customers_task
from encaisse.risk.tests.score_ledger import AS_OF, days, invoice, pay

pytestmark = pytest.mark.django_db


def test_the_job_is_one_of_the_daily_jobs():
    assert "encaisse.risk.tasks.score_customers_task" in settings.ENCAISSE_DAILY_JOBS


def test_twice_the_same_day_keeps_one_snapshot_and_tells_once(entity, rep_remi, finance_fanny):
    customer = CustomerFactory(entity=entity, sales_rep=rep_remi, credit_limit=Decimal(500))
    invoice(customer, due=AS_OF - days(40))
    returned = PaymentFactory(customer=customer, date=AS_OF - days(3), amount=Decimal(100))
    from encaisse.ledger.services import record_payment_return

    record_payment_return(payment=returned, returned_on=AS_OF - days(1), reference="RET-9")

    first = score_customers_task.run(as_of=AS_OF.isoformat())
    told = Notification.objects.count()
    second = score_customers_task.run(as_of=AS_OF.isoformat())

    assert first == {"customers": 1, "weak_signals": 1}
    assert second == {"customers": 1, "weak_signals": 0}
    assert Notification.objects.count() == told == 2  # Rémi and Fanny, once
    assert RiskScoreSnapshot.objects.filter(customer=customer, day=AS_OF).count() == 1
    assert WeakSignal.objects.count() == 1
    assert RiskScore.objects.get(customer=customer).computed_on == AS_OF


def test_the_next_day_adds_a_snapshot_and_updates_the_score(entity):
    customer = CustomerFactory(entity=entity)
    score_customers_task.run(as_of=AS_OF.isoformat())
    score_customers_task.run(as_of=(AS_OF + days(1)).isoformat())

    assert list(
        RiskScoreSnapshot.objects.filter(customer=customer).values_list("day", flat=True)
    ) == [AS_OF + days(1), AS_OF]
    assert RiskScore.objects.get(customer=customer).computed_on == AS_OF + days(1)


def test_customers_paid_are_scored_again_after_the_commit(
    entity, jobs_run_inline, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(entity=entity)
    item = invoice(customer, due=AS_OF - days(10))
    pay(item, on=AS_OF, amount="1000.00")

    with django_capture_on_commit_callbacks(execute=True):
        invoices_paid.send(sender=object, allocated={item.pk: Decimal("1000.00")})

    assert jobs_run_inline == ["encaisse.risk.tasks.rescore_customers_task"]
    assert RiskScore.objects.filter(customer=customer).exists()

"""The daily run and the outbox, scheduled in-process (embedded) or by Celery on Redis."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from decimal import Decimal

import pytest

from encaisse.core.jobs import enqueue
from encaisse.dunning.models import DunningAction, DunningRun, OutboundMessage, RunStatus
from encaisse.dunning.scheduler import tick
from encaisse.dunning.tasks import execute_dunning_run_task
from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def late_customers(entity, count):
    for index in range(count):
        customer = CustomerFactory(entity=entity, segment="sme", external_id=f"S{index}")
        ContactFactory(customer=customer, email=f"s{index}@client.fr")
        InvoiceFactory(
            customer=customer,
            number=f"FA-{index}",
            issue_date=dt.date(2026, 1, 1),
            due_date=dt.date(2026, 3, 1),
            amount=Decimal("800.00"),
        )


def test_the_embedded_scheduler_runs_once_a_day_after_its_hour(dunning_ready, settings):
    settings.ENCAISSE_DUNNING_RUN_AT = "06:00"
    late_customers(dunning_ready, 3)
    tick(dt.datetime(2026, 3, 10, 5, 59, tzinfo=PARIS))
    assert DunningRun.objects.count() == 0
    tick(dt.datetime(2026, 3, 10, 6, 0, tzinfo=PARIS))
    tick(dt.datetime(2026, 3, 10, 6, 1, tzinfo=PARIS))
    assert DunningRun.objects.filter(as_of=dt.date(2026, 3, 10)).count() == 1
    assert DunningAction.objects.count() == 3
    assert OutboundMessage.objects.filter(state="sent").count() == 3


def test_a_run_shared_by_partitions_plans_every_customer_once(dunning_ready):
    late_customers(dunning_ready, 10)
    run_id = execute_dunning_run_task.delay("2026-03-10", partitions=3).get()
    run = DunningRun.objects.get(pk=run_id)
    assert run.status == RunStatus.DONE
    assert run.actions == 10
    assert run.customers == 10
    assert DunningAction.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_on_redis_shares_the_run(dunning_ready, celery_workers):
    late_customers(dunning_ready, 12)
    celery_workers.start()
    enqueue("encaisse.dunning.tasks.execute_dunning_run_task", as_of="2026-03-10", partitions=3)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if DunningRun.objects.filter(status=RunStatus.DONE).exists():
            break
        time.sleep(0.5)
    run = DunningRun.objects.get()
    assert run.status == RunStatus.DONE, celery_workers.output()
    assert run.actions == 12
    assert DunningAction.objects.count() == 12

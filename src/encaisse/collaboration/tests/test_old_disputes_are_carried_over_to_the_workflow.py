"""Disputes recorded before the workflow keep their story: the reasons that are gone become
the nearest ones, each gets a due date and its first history line, and one resolved before
is closed as rejected (dunning had resumed on its invoices)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("collaboration", "0006_promise_kept_or_broken_on")]
AFTER = [("collaboration", "0007_disputes_workflow_owner_history")]


@pytest.mark.django_db(transaction=True)
def test_old_disputes_get_a_status_a_due_date_and_a_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    entity = old.get_model("ledger", "LegalEntity").objects.create(code="OLD", name="Old")
    customer = old.get_model("ledger", "Customer").objects.create(
        entity=entity, external_id="C-OLD", name="Ancien client"
    )
    Dispute = old.get_model("collaboration", "Dispute")
    opened = dt.date(2026, 1, 10)
    kept = Dispute.objects.create(customer=customer, reason="paperwork", opened_on=opened)
    done = Dispute.objects.create(
        customer=customer,
        reason="not_ordered",
        opened_on=opened,
        resolved_on=dt.date(2026, 2, 1),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Dispute = new.get_model("collaboration", "Dispute")
    kept, done = Dispute.objects.get(pk=kept.pk), Dispute.objects.get(pk=done.pk)
    assert (kept.reason, kept.status, kept.due_on) == ("delivery", "open", dt.date(2026, 2, 9))
    assert (done.reason, done.status) == ("other", "rejected")
    assert list(done.events.order_by("pk").values_list("kind", "to_value")) == [
        ("opened", "open"),
        ("status", "rejected"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

"""The demo's disputes tell a story: most were answered (a credit note, a rejection, a
customer who took it back), some are still open or investigated, each with its history."""

from __future__ import annotations

from collections import Counter
from io import StringIO

from django.core.management import call_command

from encaisse.collaboration.models import Dispute, DisputeStatus


def test_most_demo_disputes_are_closed_and_the_rest_have_an_owner_and_a_due_date(db):
    call_command("demo", "--no-serve", "--customers", "400", stdout=StringIO())
    disputes = list(Dispute.objects.prefetch_related("events"))
    statuses = Counter(dispute.status for dispute in disputes)
    assert len(disputes) >= 8, statuses
    closed = statuses[DisputeStatus.CREDITED] + statuses[DisputeStatus.REJECTED]
    closed += statuses[DisputeStatus.WITHDRAWN]
    assert closed > len(disputes) / 3, statuses
    assert statuses[DisputeStatus.OPEN] + statuses[DisputeStatus.INVESTIGATING] > 0, statuses
    for dispute in disputes:
        assert dispute.due_on is not None
        assert dispute.events.all()
        assert (dispute.resolved_on is None) == dispute.is_active
    credited = [d for d in disputes if d.status == DisputeStatus.CREDITED]
    assert all(d.credit_note is not None for d in credited)

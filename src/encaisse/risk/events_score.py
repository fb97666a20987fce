"""Scoring again after the events that change a score, where they reach risk: payments
lettered (the ledger's ``invoices_paid``). A broken promise and a returned payment are
scored by the nightly job, which also raises their weak signals (collaboration and banking
send no signal risk could hear; see docs/risk.md)."""

from __future__ import annotations

from collections.abc import Sequence

from encaisse.core.jobs import enqueue
from encaisse.ledger.models import Invoice

RESCORE_JOB = "encaisse.risk.tasks.rescore_customers_task"


def rescore_customers_paid(*, invoice_ids: Sequence[int]) -> None:
    """Queue the scoring of the customers of these invoices (after the commit)."""
    customer_ids = sorted(
        set(Invoice.objects.filter(pk__in=list(invoice_ids)).values_list("customer_id", flat=True))
    )
    if customer_ids:
        enqueue(RESCORE_JOB, customer_ids=customer_ids)

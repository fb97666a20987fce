"""The demo's past promises to pay: taken by the reps on invoices that were late, then kept
(the customer paid within the grace days) or broken (it paid weeks later, or not yet), as
the daily check found them day after day; a visitor sees keeping rates that differ from one
customer to the next, and the reps' latest broken promises waiting in their bell.

The promises are written as they were taken (the ledger has moved on since, so the checks
``record_promise`` makes today would refuse invoices paid meanwhile); their states are the
daily check's own (``check_promises``), run as of each day one of them came due.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, Sum
from django.utils import timezone

from encaisse.collaboration.models import Notification, PromiseStatus, PromiseToPay
from encaisse.collaboration.promises import check_promises, grace_days, paused_until
from encaisse.core.money import ZERO
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind

HISTORY_DAYS = 90  # promises taken over the last three months
HISTORY_SHARE = 0.06  # of the invoices paid late in that time
UNREAD_FOR_DAYS = 7  # older broken promises were read in the bell long ago
NOTES = (
    "Virement promis par la comptabilité fournisseurs.",
    "Le client attend une rentrée de trésorerie, paiement promis.",
    "Règlement annoncé au prochain comité de paiement.",
    "Promesse obtenue auprès du directeur financier.",
)


@dataclass(frozen=True)
class PromiseHistory:
    kept: int
    broken: int


def seed_promise_history(
    *, today: dt.date, rng: random.Random, late_customers: list[Customer]
) -> PromiseHistory:
    """Past promises on invoices paid late (most kept, some broken) and on some still overdue
    (broken), each taken by the customer's rep; then the daily checks up to ``today``."""
    start = today - dt.timedelta(days=HISTORY_DAYS)
    paid_late = list(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            settled_on__gte=start,
            settled_on__lt=today,
            settled_on__gt=F("due_date") + dt.timedelta(days=10),
            customer__sales_rep__isnull=False,
        )
        .select_related("customer")
        .order_by("pk")
    )
    chosen = rng.sample(paid_late, int(len(paid_late) * HISTORY_SHARE))
    promises = [promise for invoice in chosen if (promise := _paid_late(invoice, rng))]
    for index, customer in enumerate(late_customers[: max(len(late_customers) // 40, 1)]):
        promise = _still_unpaid(customer, today, rng, recent=index == 0)
        if promise is not None:
            promises.append(promise)
    _write(promises)
    first_check_days = sorted(
        {paused_until(promise.promised_for) + dt.timedelta(days=1) for promise, _ in promises}
    )
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    read_before = today - dt.timedelta(days=UNREAD_FOR_DAYS)
    for day in [d for d in first_check_days if d < read_before]:
        check_promises(as_of=day)
    Notification.objects.filter(pk__gt=before, read_at__isnull=True).update(read_at=timezone.now())
    for day in [d for d in first_check_days if read_before <= d < today]:
        check_promises(as_of=day)
    decided = PromiseToPay.objects.filter(pk__in=[promise.pk for promise, _ in promises])
    return PromiseHistory(
        kept=decided.filter(status=PromiseStatus.KEPT).count(),
        broken=decided.filter(status=PromiseStatus.BROKEN).count(),
    )


def _still_open_on(invoice: Invoice, day: dt.date) -> Decimal:
    """What was still to pay on the invoice the morning of ``day``."""
    lettered = Allocation.objects.filter(invoice=invoice, date__lt=day).aggregate(
        total=Sum("amount")
    )["total"]
    return invoice.amount - (lettered or ZERO)


def _paid_late(invoice: Invoice, rng: random.Random) -> tuple[PromiseToPay, Invoice] | None:
    """A promise taken some days after the due date, kept or broken by when it was paid."""
    assert invoice.settled_on is not None  # noqa: S101  (chosen for it)
    recorded_on = invoice.due_date + dt.timedelta(days=rng.randint(3, 12))
    if recorded_on >= invoice.settled_on - dt.timedelta(days=1):
        return None
    grace = grace_days()
    late_payer = invoice.settled_on - recorded_on > dt.timedelta(days=grace + 12)
    if late_payer and rng.random() < 0.35:  # promised a week out, paid weeks later: broken
        promised_for = recorded_on + dt.timedelta(days=rng.randint(2, 8))
    else:  # promised about when it paid: kept
        paid_on = invoice.settled_on - dt.timedelta(days=rng.randint(0, grace))
        promised_for = max(recorded_on, paid_on)
    amount = _still_open_on(invoice, recorded_on)
    if amount <= 0:
        return None
    return _promise(invoice, recorded_on, promised_for, amount, rng), invoice


def _still_unpaid(
    customer: Customer, today: dt.date, rng: random.Random, *, recent: bool = False
) -> tuple[PromiseToPay, Invoice] | None:
    """A promise taken weeks ago on an invoice still overdue today: broken (``recent``:
    taken last week, broken these days, so that this week's wait in the bell)."""
    recorded_on = today - dt.timedelta(days=rng.randint(8, 10) if recent else rng.randint(12, 40))
    invoice = (
        Invoice.objects.overdue(recorded_on)
        .filter(customer=customer, kind=InvoiceKind.INVOICE)
        .order_by("due_date", "pk")
        .first()
    )
    if invoice is None or customer.sales_rep_id is None:
        return None
    amount = _still_open_on(invoice, recorded_on)
    if amount <= 0:
        return None
    promised_for = recorded_on + dt.timedelta(days=2 if recent else rng.randint(2, 7))
    return _promise(invoice, recorded_on, promised_for, amount, rng), invoice


def _promise(
    invoice: Invoice,
    recorded_on: dt.date,
    promised_for: dt.date,
    amount: Decimal,
    rng: random.Random,
) -> PromiseToPay:
    return PromiseToPay(
        customer=invoice.customer,
        promised_for=promised_for,
        amount=amount,
        recorded_by=invoice.customer.sales_rep,
        recorded_on=recorded_on,
        note=rng.choice(NOTES),
    )


def _write(promises: list[tuple[PromiseToPay, Invoice]]) -> None:
    for promise, invoice in promises:  # a few dozen: one at a time, with their invoice
        promise.save()
        promise.invoices.set([invoice])

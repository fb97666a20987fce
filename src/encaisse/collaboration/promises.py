"""Promises to pay: taken on a call, from the customer page or an invoice; dunning waits until
the promised date plus a grace period (``paused_until``, the one place that says how long);
the daily check (``check_promises``) calls each one kept or broken, and a broken promise tells
whoever took it, the customer's rep and finance. The keeping rate per customer is read by
``promise_keeping``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.collaboration.models import PromiseStatus, PromiseToPay
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.core.money import ZERO, format_money, money_str
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind
from encaisse.ledger.scoping import visible_customers
from encaisse.webhooks.services import emit

BATCH = 500  # promises checked per transaction


def grace_days() -> int:
    """Days dunning still waits after a promised date (ENCAISSE_PROMISE_GRACE_DAYS)."""
    return max(int(settings.ENCAISSE_PROMISE_GRACE_DAYS), 0)


def paused_until(promised_for: dt.date) -> dt.date:
    """The last day dunning waits for a promise: the promised date plus the grace period. The
    next day the daily check calls it kept or broken, and the run may remind again."""
    return promised_for + dt.timedelta(days=grace_days())


def _refused(field: str, message: str) -> BadInput:
    return BadInput(f"{field}: {message}")


def _numbers(invoices: Iterable[Invoice]) -> str:
    return ", ".join(invoice.number for invoice in invoices)


def check_promised_invoices(
    *, customer: Customer, invoices: Sequence[Invoice], amount: Decimal | None
) -> list[Invoice]:
    """The invoices a promise may be about, read again from the ledger: the customer's own,
    invoices (not credit notes), still open; the amount positive and within what is open."""
    if not invoices:
        raise _refused("invoices", gettext("Choose at least one invoice."))
    fresh = list(Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]))
    foreign = [invoice for invoice in fresh if invoice.customer_id != customer.pk]
    if foreign:
        raise _refused(
            "invoices",
            gettext("%(numbers)s belong to another customer.") % {"numbers": _numbers(foreign)},
        )
    credit_notes = [invoice for invoice in fresh if invoice.kind != InvoiceKind.INVOICE]
    if credit_notes:
        raise _refused(
            "invoices",
            gettext("%(numbers)s: a credit note cannot be promised.")
            % {"numbers": _numbers(credit_notes)},
        )
    paid = [invoice for invoice in fresh if invoice.settled_on is not None]
    if paid:
        raise _refused(
            "invoices", gettext("%(numbers)s: already paid.") % {"numbers": _numbers(paid)}
        )
    if amount is not None:
        if amount <= 0:
            raise _refused("amount", gettext("The amount must be positive."))
        still_open = sum((invoice.open_amount for invoice in fresh), ZERO)
        if amount > still_open:
            currency = fresh[0].currency
            raise _refused(
                "amount",
                gettext("%(amount)s is more than the %(open)s still open on these invoices.")
                % {
                    "amount": format_money(amount, currency),
                    "open": format_money(still_open, currency),
                },
            )
    return fresh


@transaction.atomic
def record_promise(
    *,
    customer: Customer,
    invoices: Sequence[Invoice],
    promised_for: dt.date,
    recorded_on: dt.date,
    amount: Decimal | None = None,
    recorded_by: User | None = None,
    note: str = "",
) -> PromiseToPay:
    """Record that the customer promised to pay ``amount`` (or the invoices, without one) by
    ``promised_for``; dunning on those invoices waits until ``paused_until(promised_for)``.

    BadInput (nothing recorded) for a date already past, an amount not positive or above
    what is open, and invoices paid, credit notes or of another customer.
    """
    if promised_for < recorded_on:
        raise _refused("promised_for", gettext("This date is already past."))
    fresh = check_promised_invoices(customer=customer, invoices=invoices, amount=amount)
    promise = PromiseToPay.objects.create(
        customer=customer,
        promised_for=promised_for,
        amount=amount,
        recorded_by=recorded_by,
        recorded_on=recorded_on,
        note=note.strip(),
    )
    promise.invoices.set(fresh)
    return promise


# --- The daily check ---------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseCheck:
    """What one daily check decided."""

    kept: int
    broken: int


def check_promises(*, as_of: dt.date) -> PromiseCheck:
    """Call each pending promise kept or broken as of ``as_of``; safe to run twice a day.

    Kept: enough was allocated to its invoices between the day it was taken and the end of
    its grace period (the promised amount; without one, every invoice settled), even before
    the promised date. Broken: its grace period is over and that did not happen; whoever
    took it, the customer's rep and finance are told. Either way dunning stops waiting.
    Set-based: a few queries per batch of promises, whatever their number.
    """
    kept = broken = 0
    pending = PromiseToPay.objects.filter(status=PromiseStatus.PENDING, recorded_on__lte=as_of)
    last = 0
    while True:
        ids = list(pending.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return PromiseCheck(kept=kept, broken=broken)
        last = ids[-1]
        batch_kept, batch_broken = _check_batch(ids, as_of)
        kept += batch_kept
        broken += batch_broken


@transaction.atomic
def _check_batch(ids: list[int], as_of: dt.date) -> tuple[int, int]:
    promises = list(
        PromiseToPay.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status=PromiseStatus.PENDING)
        .select_related("customer", "customer__sales_rep", "recorded_by")
        .order_by("pk")
    )
    if not promises:
        return 0, 0
    invoices_of: dict[int, list[int]] = defaultdict(list)
    for promise_id, invoice_id in PromiseToPay.invoices.through.objects.filter(
        promisetopay_id__in=[promise.pk for promise in promises]
    ).values_list("promisetopay_id", "invoice_id"):
        invoices_of[promise_id].append(invoice_id)
    invoice_ids = sorted({pk for pks in invoices_of.values() for pk in pks})
    settled = dict(Invoice.objects.filter(pk__in=invoice_ids).values_list("pk", "settled_on"))
    allocations: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for invoice_id, day, amount in Allocation.objects.filter(
        invoice_id__in=invoice_ids,
        date__gte=min(promise.recorded_on for promise in promises),
        date__lte=as_of,
    ).values_list("invoice_id", "date", "amount"):
        allocations[invoice_id].append((day, amount))
    kept_ids, broken, received = [], [], {}
    for promise in promises:
        deadline = paused_until(promise.promised_for)
        until = min(as_of, deadline)
        paid = sum(
            (
                amount
                for invoice_id in invoices_of[promise.pk]
                for day, amount in allocations[invoice_id]
                if promise.recorded_on <= day <= until
            ),
            ZERO,
        )
        if promise.amount is not None:
            is_kept = paid >= promise.amount
        else:
            days = [settled.get(invoice_id) for invoice_id in invoices_of[promise.pk]]
            is_kept = all(day is not None and day <= until for day in days)
        if is_kept:
            kept_ids.append(promise.pk)
        elif deadline < as_of:
            broken.append(promise)
            received[promise.pk] = paid
    PromiseToPay.objects.filter(pk__in=kept_ids).update(status=PromiseStatus.KEPT, decided_on=as_of)
    PromiseToPay.objects.filter(pk__in=[promise.pk for promise in broken]).update(
        status=PromiseStatus.BROKEN, decided_on=as_of
    )
    if broken:
        _tell_broken(broken, received, invoices_of)
        for promise in broken:
            emit(
                "promise.broken",
                {
                    "promise_id": promise.pk,
                    "customer_id": promise.customer_id,
                    "customer_external_id": promise.customer.external_id,
                    "promised_for": promise.promised_for.isoformat(),
                    "amount": money_str(promise.amount) if promise.amount is not None else None,
                    "received": money_str(received[promise.pk]),
                    "broken_on": as_of.isoformat(),
                },
                key=f"promise:{promise.pk}",
            )
    return len(kept_ids), len(broken)


def _tell_broken(
    promises: Sequence[PromiseToPay],
    received: dict[int, Decimal],
    invoices_of: dict[int, list[int]],
) -> None:
    """Tell whoever took each broken promise, the customer's rep and finance, each once, in
    their own language; only people who see the customer."""
    finance = list(users_who_run_dunning())
    numbers: dict[int, str] = {}
    currencies: dict[int, str] = {}
    for pk, number, currency in Invoice.objects.filter(
        pk__in={pk for promise in promises for pk in invoices_of[promise.pk]}
    ).values_list("pk", "number", "currency"):
        numbers[pk], currencies[pk] = number, currency
    for promise in promises:
        customer = promise.customer
        people = {
            person.pk: person
            for person in (promise.recorded_by, customer.sales_rep, *finance)
            if person is not None and person.is_active
        }
        seeing = {
            pk
            for pk, person in people.items()
            if visible_customers(person).filter(pk=customer.pk).exists()
        }
        invoice_ids = invoices_of[promise.pk]
        currency = currencies.get(invoice_ids[0], "EUR") if invoice_ids else "EUR"
        for pk in sorted(seeing):
            recipient = people[pk]
            with translation.override(language_of(recipient)):
                notify(
                    recipient=recipient,
                    title=gettext("Promise to pay broken: %(customer)s")
                    % {"customer": customer.name},
                    body=_broken_body(
                        promise,
                        paid=received[promise.pk],
                        currency=currency,
                        numbers=sorted(numbers[i] for i in invoice_ids if i in numbers),
                    ),
                    url=reverse("customer-detail", args=[customer.pk]) + "#promises",
                    customer=customer,
                )


def _broken_body(promise: PromiseToPay, *, paid: Decimal, currency: str, numbers: list[str]) -> str:
    day = formats.date_format(promise.promised_for, "SHORT_DATE_FORMAT")
    invoices = ngettext("invoice %(numbers)s", "invoices %(numbers)s", len(numbers)) % {
        "numbers": ", ".join(numbers)
    }
    if promise.amount is not None:
        said = gettext("%(amount)s promised by %(day)s on %(invoices)s; %(paid)s received.") % {
            "amount": format_money(promise.amount, currency),
            "day": day,
            "invoices": invoices,
            "paid": format_money(paid, currency),
        }
    else:
        said = gettext("Payment of %(invoices)s promised by %(day)s; not fully received.") % {
            "invoices": invoices,
            "day": day,
        }
    return f"{said}\n{gettext('Dunning resumes with the next run.')}"


# --- Reading -----------------------------------------------------------------------------


def customer_promises(customer: Customer, *, limit: int = 10) -> QuerySet[PromiseToPay]:
    """The customer's latest promises (the customer is already scoped), newest first."""
    return (
        PromiseToPay.objects.filter(customer=customer)
        .select_related("recorded_by")
        .prefetch_related("invoices")
        .order_by("-recorded_on", "-pk")[:limit]
    )


@dataclass(frozen=True)
class PromiseKeeping:
    """How a customer keeps its promises: counts, and when it last broke one."""

    kept: int = 0
    broken: int = 0
    pending: int = 0
    last_broken_on: dt.date | None = None

    @property
    def rate(self) -> Decimal | None:
        """Kept / (kept + broken), from 0 to 1 with two decimals; None before any is due."""
        decided = self.kept + self.broken
        if not decided:
            return None
        return (Decimal(self.kept) / Decimal(decided)).quantize(Decimal("0.01"))

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else int(rate * 100)


def promise_keeping_by_customer(customer_ids: Iterable[int]) -> dict[int, PromiseKeeping]:
    """Each customer's PromiseKeeping (customers without promises are left out), in one
    query per thousand customers; the caller scoped the ids."""
    wanted = sorted(set(customer_ids))
    found: dict[int, PromiseKeeping] = {}
    for start in range(0, len(wanted), 1000):
        rows = (
            PromiseToPay.objects.filter(customer_id__in=wanted[start : start + 1000])
            .values("customer_id")
            .annotate(
                kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
                broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
                pending=Count("pk", filter=Q(status=PromiseStatus.PENDING)),
                last_broken_on=Max("decided_on", filter=Q(status=PromiseStatus.BROKEN)),
            )
            .order_by()
        )
        for row in rows:
            found[row["customer_id"]] = PromiseKeeping(
                kept=row["kept"],
                broken=row["broken"],
                pending=row["pending"],
                last_broken_on=row["last_broken_on"],
            )
    return found


def promise_keeping(customer: Customer) -> PromiseKeeping:
    """How ``customer`` keeps its promises (all zero when it never made one)."""
    return promise_keeping_by_customer([customer.pk]).get(customer.pk, PromiseKeeping())

"""Weak signals: small facts that often come before a customer stops paying, each told once
(with its reason) to the customer's rep and to finance, and kept (``WeakSignal``, unique per
customer, kind and occurrence) for the timeline and the risk panel.

DETECTORS is the one list of what is looked for; each finds, set-based, the signals of a
day. The rating downgrade (ratings) and the limit crossed (limits) are told by their own
parts; they plug a detector here at merge if they want a weak signal recorded too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.collaboration.models import PromiseStatus, PromiseToPay
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.i18n import Sentence, from_data, sentence, to_data
from encaisse.core.money import format_money
from encaisse.ledger.models import Allocation, Customer, InvoiceKind, Payment
from encaisse.risk.factors import PAID_LATE_BEFORE, DaysBetween, Measured
from encaisse.risk.models_score import WeakSignal, WeakSignalKind

LOOK_BACK_DAYS = 7  # a day the job did not run is caught up the next
LATE_AFTER_DAYS = 5  # paid later than this past the due date: late
GOOD_PAYER_PAYMENTS = 3  # payments on time over the year before, to be a good payer
SMALL_SHARE = 0.2  # a payment below this share of its invoice, leaving it open: small
SMALL_PAYMENTS = 3  # that many small partial payments in 3 months: a signal
# Days past due 3 months ago above this: the delay is no news, it is known (and scored).
LATE_ALREADY_DAYS = 60
LISTED = 20  # signals listed in one notification; the others are counted


@dataclass(frozen=True)
class Found:
    customer_id: int
    kind: str
    period: str
    reason: Sentence


Detector = Callable[[dt.date, Measured], list[Found]]


def growth_days() -> int:
    return int(getattr(settings, "ENCAISSE_RISK_DELAY_GROWTH_DAYS", 10))


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _late() -> Greatest:
    return Greatest(DaysBetween(F("date"), F("invoice__due_date")), Value(0))


def first_late_payments(as_of: dt.date, measured: Measured) -> list[Found]:
    """A good payer (several payments over the year before, none late) paid late."""
    recent = as_of - dt.timedelta(days=LOOK_BACK_DAYS)
    year_before = recent - dt.timedelta(days=365)
    late = Q(days_late__gt=LATE_AFTER_DAYS)
    rows = (
        Allocation.objects.filter(
            payment__isnull=False,
            amount__gt=0,
            invoice__kind=InvoiceKind.INVOICE,
            date__gt=year_before,
            date__lte=as_of,
        )
        .annotate(days_late=_late())
        .values("invoice__customer_id")
        .annotate(
            recent_late=Count("pk", filter=late & Q(date__gt=recent)),
            before=Count("payment_id", distinct=True, filter=Q(date__lte=recent)),
            before_late=Count("pk", filter=late & Q(date__lte=recent)),
        )
        .filter(recent_late__gt=0, before__gte=GOOD_PAYER_PAYMENTS, before_late=0)
        .order_by()
        .values_list("invoice__customer_id", "before")
    )
    return [
        Found(
            customer_id,
            WeakSignalKind.FIRST_LATE_PAYMENT,
            _month(as_of),
            sentence(
                "First payment more than %(days)s days late after %(count)s payments on time "
                "in the year before.",
                days=LATE_AFTER_DAYS,
                count=count,
            ),
        )
        for customer_id, count in rows
    ]


def delays_growing(as_of: dt.date, measured: Measured) -> list[Found]:
    """The days late of the payments of the last 3 months above those of the 3 months
    before by more than the setting ENCAISSE_RISK_DELAY_GROWTH_DAYS, for a customer not
    already badly late then."""
    limit = growth_days()
    found = []
    for customer_id, values in measured.items():
        trend, before = values.get("delay_trend"), values.get(PAID_LATE_BEFORE)
        if trend is None or before is None:
            continue
        if trend > limit and before <= LATE_ALREADY_DAYS:
            reason = sentence(
                "Payments came %(growth)s days later than in the 3 months before (%(now)s days "
                "late on average now).",
                growth=f"{trend:g}",
                now=f"{before + trend:g}",
            )
            found.append(Found(customer_id, WeakSignalKind.DELAY_GROWING, _month(as_of), reason))
    return found


def broken_promises(as_of: dt.date, measured: Measured) -> list[Found]:
    """Each promise to pay broken in the last days."""
    rows = PromiseToPay.objects.filter(
        status=PromiseStatus.BROKEN,
        decided_on__gt=as_of - dt.timedelta(days=LOOK_BACK_DAYS),
        decided_on__lte=as_of,
    ).values_list("pk", "customer_id", "promised_for")
    return [
        Found(
            customer_id,
            WeakSignalKind.BROKEN_PROMISE,
            f"promise:{pk}",
            sentence("The promise to pay by %(day)s was broken.", day=promised_for.isoformat()),
        )
        for pk, customer_id, promised_for in rows
    ]


def returned_payments(as_of: dt.date, measured: Measured) -> list[Found]:
    """Each payment the bank returned in the last days."""
    rows = Payment.objects.filter(
        returns__isnull=False,
        date__gt=as_of - dt.timedelta(days=LOOK_BACK_DAYS),
        date__lte=as_of,
    ).values_list("pk", "customer_id", "returns__reference", "amount", "currency")
    return [
        Found(
            customer_id,
            WeakSignalKind.RETURNED_PAYMENT,
            f"payment:{pk}",
            sentence(
                "The bank returned the payment %(reference)s (%(amount)s).",
                reference=reference,
                amount=format_money(-amount, currency),
            ),
        )
        for pk, customer_id, reference, amount, currency in rows
    ]


def small_partial_payments(as_of: dt.date, measured: Measured) -> list[Found]:
    """Many small payments over 3 months, each leaving its invoice open."""
    rows = (
        Allocation.objects.filter(
            payment__isnull=False,
            amount__gt=0,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__settled_on__isnull=True,
            amount__lt=F("invoice__amount") * SMALL_SHARE,
            date__gt=as_of - dt.timedelta(days=91),
            date__lte=as_of,
        )
        .values("invoice__customer_id")
        .annotate(small=Count("pk"))
        .filter(small__gte=SMALL_PAYMENTS)
        .order_by()
        .values_list("invoice__customer_id", "small")
    )
    return [
        Found(
            customer_id,
            WeakSignalKind.SMALL_PARTIAL_PAYMENTS,
            _month(as_of),
            sentence(
                "%(count)s small partial payments over 3 months, each under a fifth of its "
                "invoice.",
                count=count,
            ),
        )
        for customer_id, count in rows
    ]


# What is looked for, in order. Plug in here at merge: rating downgrades (ratings), limits
# crossed (limits), if those parts want them kept as weak signals too.
DETECTORS: list[Detector] = [
    first_late_payments,
    delays_growing,
    broken_promises,
    returned_payments,
    small_partial_payments,
]


def detect_weak_signals(*, as_of: dt.date, measured: Measured) -> list[WeakSignal]:
    """Record the weak signals of ``as_of`` not recorded before, and tell them to each
    customer's rep and to finance; ``measured``: the factors the day's scoring measured.
    Safe to run twice (or twice at once): an occurrence is recorded, and told, once."""
    found = [signal for detector in DETECTORS for signal in detector(as_of, measured)]
    known = _known(found)
    new = {
        (signal.customer_id, signal.kind, signal.period): signal
        for signal in found
        if (signal.customer_id, signal.kind, signal.period) not in known
    }
    rows = [
        WeakSignal(
            customer_id=signal.customer_id,
            kind=signal.kind,
            period=signal.period,
            detected_on=as_of,
            reason=to_data(signal.reason),
        )
        for signal in new.values()
    ]
    try:
        with transaction.atomic():
            recorded = WeakSignal.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:  # a run at the same time recorded some: each is told by one run
        recorded = [row for row in rows if _recorded_here(row)]
    _tell(recorded)
    return recorded


def _recorded_here(row: WeakSignal) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _known(found: Iterable[Found]) -> set[tuple[int, str, str]]:
    customers = sorted({signal.customer_id for signal in found})
    known: set[tuple[int, str, str]] = set()
    for start in range(0, len(customers), 2000):
        known |= set(
            WeakSignal.objects.filter(customer_id__in=customers[start : start + 2000]).values_list(
                "customer_id", "kind", "period"
            )
        )
    return known


def _tell(signals: list[WeakSignal]) -> None:
    """Each person hears of the signals of their customers (the rep, of theirs; finance, of
    all): one notification with the reason for one signal, one listing them for several."""
    if not signals:
        return
    customers = Customer.objects.in_bulk({signal.customer_id for signal in signals})
    reps = User.objects.filter(
        pk__in={customer.sales_rep_id for customer in customers.values()}, is_active=True
    ).in_bulk()
    heard: dict[int, list[WeakSignal]] = defaultdict(list)
    finance = {person.pk: person for person in users_who_run_dunning()}
    people = {**reps, **finance}
    for signal in signals:
        rep_id = customers[signal.customer_id].sales_rep_id
        told = set(finance)
        if rep_id is not None and rep_id in reps:
            told.add(rep_id)
        for person_id in told:
            heard[person_id].append(signal)
    for person_id, theirs in heard.items():
        person = people[person_id]
        with translation.override(language_of(person)):
            _tell_one(person, theirs, customers)


def _line(signal: WeakSignal, customers: dict[int, Customer]) -> dict[str, str]:
    return {
        "customer": customers[signal.customer_id].name,
        "kind": str(WeakSignalKind(signal.kind).label),
        "reason": str(from_data(signal.reason)),
    }


def _tell_one(person: User, signals: list[WeakSignal], customers: dict[int, Customer]) -> None:
    if len(signals) == 1:
        (only,) = signals
        notify(
            recipient=person,
            title=_("Weak signal on %(customer)s: %(kind)s") % _line(only, customers),
            body=str(from_data(only.reason)),
            url=reverse("customer-detail", args=[only.customer_id]),
            customer_id=only.customer_id,
        )
        return
    ordered = sorted(signals, key=lambda signal: customers[signal.customer_id].name)
    lines = [_("- %(customer)s: %(kind)s. %(reason)s") % _line(s, customers) for s in ordered]
    if len(lines) > LISTED:
        more = len(lines) - LISTED
        lines = [*lines[:LISTED], _("and %(count)d more") % {"count": more}]
    notify(
        recipient=person,
        title=ngettext(
            "%(count)d weak signal on your customers",
            "%(count)d weak signals on your customers",
            len(signals),
        )
        % {"count": len(signals)},
        body="\n".join(lines),
        url=reverse("customer-list"),
    )

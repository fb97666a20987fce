"""Ratings and credit-insurance cover: what the customer page, the pages and other parts of
risk read (selectors), and what finance records (services).

A customer's current rating is its latest by date; its current cover is the version finance
recorded last, which counts until its expiry date (an amount of 0: the insurer withdrew it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money
from encaisse.ledger.models import Customer
from encaisse.ledger.selectors import with_balances
from encaisse.risk.models_ratings import CoverKind, CreditRating, InsuranceCover

EXPIRY_WARNING_DAYS = 30
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")


def customer_ratings(customer: Customer) -> QuerySet[CreditRating]:
    """The customer's ratings, newest first (the customer already scoped)."""
    return CreditRating.objects.filter(customer=customer).order_by("-rated_on", "-pk")


@dataclass(frozen=True)
class RatingSummary:
    current: CreditRating
    previous: CreditRating | None

    @property
    def trend(self) -> str:
        """'down', 'up' or 'same', by score (else by downgrade)."""
        if self.current.downgrade:
            return "down"
        before, now = (self.previous.score if self.previous else None), self.current.score
        if before is None or now is None or before == now:
            return "same"
        return "up" if now > before else "down"


def with_latest_rating(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate each customer's current rating, set-based: ``rating_score``, ``rating_grade``,
    ``rated_on`` and ``rating_downgraded`` (its downgrade reasons, empty when none)."""
    latest = CreditRating.objects.filter(customer=OuterRef("pk")).order_by("-rated_on", "-pk")
    return customers.annotate(
        rating_score=Subquery(latest.values("score")[:1]),
        rating_grade=Subquery(latest.values("grade")[:1]),
        rated_on=Subquery(latest.values("rated_on")[:1]),
        rating_downgraded=Subquery(latest.values("downgrade")[:1]),
    )


def rating_summary(customer: Customer) -> RatingSummary | None:
    latest = list(customer_ratings(customer)[:2])
    if not latest:
        return None
    return RatingSummary(latest[0], latest[1] if len(latest) > 1 else None)


def customer_covers(customer: Customer) -> QuerySet[InsuranceCover]:
    """Every version of the customer's cover, the current one first."""
    return (
        InsuranceCover.objects.filter(customer=customer)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def counts_on(cover: InsuranceCover | None, day: dt.date) -> bool:
    """Whether a cover version covers anything on ``day``."""
    return bool(
        cover is not None
        and cover.amount > 0
        and (cover.expires_on is None or cover.expires_on >= day)
    )


def _latest_cover() -> QuerySet[InsuranceCover]:
    return InsuranceCover.objects.filter(customer=OuterRef("pk")).order_by("-recorded_at", "-pk")


def with_cover(customers: QuerySet[Customer], *, today: dt.date) -> QuerySet[Customer]:
    """Annotate ``cover_amount``: what the current cover covers on ``today`` (0 when none,
    withdrawn or expired)."""
    valid = Case(
        When(Q(expires_on__isnull=True) | Q(expires_on__gte=today), then=F("amount")),
        default=Value(ZERO),
        output_field=MONEY,
    )
    amount = Subquery(_latest_cover().annotate(valid=valid).values("valid")[:1], output_field=MONEY)
    return customers.annotate(
        cover_amount=Coalesce(amount, Value(ZERO), output_field=MONEY),
        has_cover=Exists(InsuranceCover.objects.filter(customer=OuterRef("pk"))),
    )


def uncovered_exposure(customers: QuerySet[Customer], *, today: dt.date) -> QuerySet[Customer]:
    """The customers annotated with ``outstanding``, ``cover_amount`` and ``uncovered``:
    outstanding less the cover that counts today, never below 0. Set-based (two subqueries
    per customer row); filter ``uncovered__gt=0`` for the customers above their cover."""
    annotated = with_cover(with_balances(customers, today=today), today=today)
    return annotated.annotate(
        uncovered=Greatest(F("outstanding") - F("cover_amount"), Value(ZERO), output_field=MONEY)
    )


def customer_exposure(customer: Customer, *, today: dt.date) -> Customer | None:
    """The customer with ``uncovered_exposure``'s annotations (the customer already scoped)."""
    return uncovered_exposure(Customer.objects.filter(pk=customer.pk), today=today).first()


def expiring_covers(*, today: dt.date, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[InsuranceCover]:
    """Current covers (the latest version of their customer) that still cover something and
    end within ``days``, soonest first. Finance sees every customer: no scoping needed for
    the people this is for (the page is finance's)."""
    latest_ids = Customer.objects.annotate(
        latest=Subquery(_latest_cover().values("pk")[:1])
    ).filter(latest__isnull=False)
    return (
        InsuranceCover.objects.filter(pk__in=latest_ids.values("latest"))
        .filter(amount__gt=0, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days))
        .select_related("customer__entity")
        .order_by("expires_on", "customer__name")
    )


@transaction.atomic
def record_cover(
    *,
    customer: Customer,
    recorded_by: User,
    insurer: str,
    amount: Decimal,
    kind: str,
    expires_on: dt.date | None,
    reference: str = "",
    today: dt.date,
) -> InsuranceCover:
    """Record the customer's cover as the insurer granted it (a new version; the earlier ones
    stay as history). An amount of 0 records a withdrawal."""
    insurer = insurer.strip()
    if not insurer:
        raise BadInput(_("Insurer: name the insurer."), field="insurer")
    if amount < 0:
        raise BadInput(
            _("Amount covered: not negative (0 when the insurer withdrew its cover)."),
            field="amount",
        )
    if kind not in CoverKind.values:
        raise BadInput(_("Kind: permanent or temporary."), field="kind")
    if kind == CoverKind.TEMPORARY and expires_on is None:
        raise BadInput(_("Expires on: a temporary cover has an end date."), field="expires_on")
    if expires_on is not None and expires_on < today:
        raise BadInput(_("Expires on: the date is already past."), field="expires_on")
    return InsuranceCover.objects.create(
        customer=customer,
        recorded_by=recorded_by,
        insurer=insurer,
        amount=amount,
        kind=kind,
        expires_on=expires_on,
        reference=reference.strip(),
    )


@transaction.atomic
def announce_expiring_covers(*, as_of: dt.date) -> int:
    """Tell finance of the covers that end within 30 days and were not announced yet (one
    notification per person). Safe to run twice a day. How many covers were announced."""
    covers = list(expiring_covers(today=as_of).filter(expiry_announced_on__isnull=True))
    if not covers:
        return 0
    claimed = InsuranceCover.objects.filter(
        pk__in=[cover.pk for cover in covers], expiry_announced_on__isnull=True
    ).update(expiry_announced_on=as_of)
    if claimed != len(covers):  # another run took them at the same time
        return 0
    for person in users_who_run_dunning():
        with translation.override(language_of(person)):
            lines = [
                _("- %(customer)s: %(amount)s by %(insurer)s, until %(date)s")
                % {
                    "customer": cover.customer.name,
                    "amount": format_money(cover.amount, cover.customer.entity.currency),
                    "insurer": cover.insurer,
                    "date": f"{cover.expires_on:%d/%m/%Y}",
                }
                for cover in covers[:20]
            ]
            notify(
                recipient=person,
                title=ngettext(
                    "%(count)d credit-insurance cover ends within 30 days",
                    "%(count)d credit-insurance covers end within 30 days",
                    len(covers),
                )
                % {"count": len(covers)},
                body="\n".join(lines),
                url=reverse("risk-expiring-covers"),
                customer_id=covers[0].customer_id if len(covers) == 1 else None,
            )
    return len(covers)

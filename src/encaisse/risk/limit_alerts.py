"""Alerts on credit limits: at 80 % and at 100 % of the amount limit, and when a limit in
days is crossed; to the customer's rep and to finance, once per crossing (told again after
the customer came back under and crossed again). Checked by a daily job and after the
events that change it (a limit changed, payments lettered, orders not yet invoiced)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import can_see_over_limit, users_who_run_dunning
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.money import format_money
from encaisse.ledger.models import Customer
from encaisse.risk.limits import LimitStatus, limit_statuses
from encaisse.risk.models_limits import LimitAlert, LimitBreach

LISTED = 20
BATCH = 500  # ids per query (SQLite's limit on parameters)


def breaches(status: LimitStatus) -> set[str]:
    """The kinds of crossing a status is in."""
    kinds = set()
    if status.near_amount:
        kinds.add(LimitBreach.AMOUNT_WARNING.value)
    if status.over_amount:
        kinds.add(LimitBreach.AMOUNT_OVER.value)
    if status.over_oldest_days:
        kinds.add(LimitBreach.OLDEST_DAYS.value)
    if status.over_average_days:
        kinds.add(LimitBreach.AVERAGE_DAYS.value)
    return kinds


@dataclass(frozen=True)
class _Crossing:
    customer_id: int
    name: str
    currency: str
    status: LimitStatus
    kinds: frozenset[str]

    def line(self) -> str:
        """What crossed, in the active language."""
        status = self.status
        parts = []
        if LimitBreach.AMOUNT_OVER in self.kinds:
            parts.append(_("exposure %(exposure)s over its limit of %(limit)s") % self._amounts())
        elif LimitBreach.AMOUNT_WARNING in self.kinds:
            parts.append(
                _("exposure %(exposure)s, %(percent)s %% of its limit of %(limit)s")
                % {**self._amounts(), "percent": status.used_percent}
            )
        if LimitBreach.OLDEST_DAYS in self.kinds:
            parts.append(
                _("oldest invoice %(days)s days past due (limit %(most)s)")
                % {"days": status.oldest_days, "most": status.oldest_days_limit}
            )
        if LimitBreach.AVERAGE_DAYS in self.kinds:
            parts.append(
                _("average %(days)s days past due (limit %(most)s)")
                % {
                    "days": formats.number_format(status.average_days, 1),
                    "most": status.average_days_limit,
                }
            )
        return "; ".join(parts)

    def _amounts(self) -> dict[str, str]:
        return {
            "exposure": format_money(self.status.exposure, self.currency),
            "limit": format_money(self.status.limit or 0, self.currency),
        }


def with_any_limit(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """The customers that have a limit of some kind (the others cannot cross one)."""
    return customers.filter(
        Q(credit_limit__isnull=False)
        | Q(risk_limits__temporary_limit__isnull=False)
        | Q(risk_limits__oldest_days_limit__isnull=False)
        | Q(risk_limits__average_days_limit__isnull=False)
    )


@transaction.atomic
def alert_limit_crossings(*, as_of: dt.date, customers: QuerySet[Customer] | None = None) -> int:
    """Tell the rep and finance of the crossings not told yet among ``customers`` (all
    when None); forget the ones that ended. Safe to run twice a day. How many customers
    crossed."""
    scope = customers if customers is not None else Customer.objects.all()
    statuses = limit_statuses(with_any_limit(scope), as_of=as_of)
    now = {pk: breaches(status) for pk, status in statuses.items()}
    known: dict[int, set[str]] = defaultdict(set)
    ended = []
    for alert_pk, customer_id, kind in LimitAlert.objects.filter(
        customer__in=scope.order_by().values("pk")
    ).values_list("pk", "customer_id", "kind"):
        known[customer_id].add(kind)
        if kind not in now.get(customer_id, ()):
            ended.append(alert_pk)
    for start in range(0, len(ended), BATCH):
        LimitAlert.objects.filter(pk__in=ended[start : start + BATCH]).delete()
    new = {pk: kinds - known.get(pk, set()) for pk, kinds in now.items()}
    new = {pk: kinds for pk, kinds in new.items() if kinds}
    LimitAlert.objects.bulk_create(
        [
            LimitAlert(customer_id=pk, kind=kind, since=as_of)
            for pk, kinds in new.items()
            for kind in sorted(kinds)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    if new:
        _tell(new, statuses)
    return len(new)


def _tell(new: dict[int, set[str]], statuses: dict[int, LimitStatus]) -> None:
    crossed = sorted(new)
    rows = [
        row
        for start in range(0, len(crossed), BATCH)
        for row in Customer.objects.filter(pk__in=crossed[start : start + BATCH]).values_list(
            "pk", "name", "entity__currency", "sales_rep_id"
        )
    ]
    crossings: dict[int, list[_Crossing]] = defaultdict(list)
    finance = list(users_who_run_dunning())
    reps = User.objects.filter(
        pk__in=[row[3] for row in rows if row[3] is not None], is_active=True
    ).in_bulk()
    for pk, name, currency, rep_id in rows:
        crossing = _Crossing(pk, name, currency, statuses[pk], frozenset(new[pk]))
        for person in {*finance, *([reps[rep_id]] if rep_id in reps else [])}:
            crossings[person.pk].append(crossing)
    people = {person.pk: person for person in [*finance, *reps.values()]}
    for person_pk, theirs in crossings.items():
        _notify(people[person_pk], sorted(theirs, key=lambda crossing: crossing.name))


def _notify(person: User, crossings: list[_Crossing]) -> None:
    with translation.override(language_of(person)):
        if len(crossings) == 1:
            only = crossings[0]
            over = bool(only.kinds - {LimitBreach.AMOUNT_WARNING.value})
            notify(
                recipient=person,
                title=(
                    _("%(customer)s is over its credit limit")
                    if over
                    else _("%(customer)s is near its credit limit")
                )
                % {"customer": only.name},
                body=only.line().capitalize(),
                url=reverse("customer-detail", args=[only.customer_id]),
                customer_id=only.customer_id,
            )
            return
        notify(
            recipient=person,
            title=ngettext(
                "%(count)d customer crossed a credit limit",
                "%(count)d customers crossed a credit limit",
                len(crossings),
            )
            % {"count": len(crossings)},
            body="\n".join(
                f"- {crossing.name}: {crossing.line()}" for crossing in crossings[:LISTED]
            ),
            url=reverse("risk-over-limit")
            if can_see_over_limit(person)
            else reverse("customer-list"),
        )

"""A rep hears when a customer of theirs goes over its credit limit (outstanding above the
limit): checked once a day, told once per crossing, one notification per rep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.collaboration.models import OverLimitNotice
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.money import format_money
from encaisse.ledger.models import Customer
from encaisse.ledger.selectors import with_balances

LISTED = 20


@dataclass(frozen=True)
class _Over:
    customer_id: int
    name: str
    outstanding: Decimal
    limit: Decimal
    currency: str

    def amounts(self) -> dict[str, str]:
        return {
            "customer": self.name,
            "outstanding": format_money(self.outstanding, self.currency),
            "limit": format_money(self.limit, self.currency),
        }


@transaction.atomic
def tell_reps_of_customers_over_limit(*, as_of: dt.date) -> int:
    """Customers over their limit on ``as_of`` that were not already: their reps are told
    (one notification per rep); customers back under are forgotten. Safe to run twice a
    day. How many customers went over."""
    # ``outstanding`` is with_balances' annotation, which the type checker cannot see.
    over = with_balances(
        Customer.objects.filter(credit_limit__isnull=False, credit_limit__gt=0), today=as_of
    ).filter(outstanding__gt=F("credit_limit"))  # type: ignore[misc]
    rows = list(
        over.values_list("pk", "name", "outstanding", "credit_limit", "entity__currency",  # type: ignore[misc]
                         "sales_rep_id")
    )  # fmt: skip
    over_ids = {row[0] for row in rows}
    known = set(OverLimitNotice.objects.values_list("customer_id", flat=True))
    OverLimitNotice.objects.filter(customer_id__in=sorted(known - over_ids)).delete()
    new = [row for row in rows if row[0] not in known]
    OverLimitNotice.objects.bulk_create(
        [OverLimitNotice(customer_id=row[0], since=as_of) for row in new],
        ignore_conflicts=True,
        batch_size=500,
    )
    by_rep: dict[int, list[_Over]] = {}
    for pk, name, outstanding, limit, currency, rep_id in new:
        if rep_id is not None:
            by_rep.setdefault(rep_id, []).append(_Over(pk, name, outstanding, limit, currency))
    reps = User.objects.filter(pk__in=list(by_rep), is_active=True).in_bulk()
    for rep_id, customers in by_rep.items():
        if rep_id in reps:
            _tell(reps[rep_id], sorted(customers, key=lambda item: item.name))
    return len(new)


def _tell(rep: User, customers: list[_Over]) -> None:
    with translation.override(language_of(rep)):
        if len(customers) == 1:
            only = customers[0]
            notify(
                recipient=rep,
                title=_("%(customer)s is over its credit limit") % only.amounts(),
                body=_("Outstanding %(outstanding)s for a limit of %(limit)s.") % only.amounts(),
                url=reverse("customer-detail", args=[only.customer_id]),
                customer_id=only.customer_id,
            )
            return
        lines = [
            _("- %(customer)s: %(outstanding)s for a limit of %(limit)s") % item.amounts()
            for item in customers[:LISTED]
        ]
        notify(
            recipient=rep,
            title=ngettext(
                "%(count)d customer of yours is over its credit limit",
                "%(count)d customers of yours are over their credit limit",
                len(customers),
            )
            % {"count": len(customers)},
            body="\n".join(lines),
            url=reverse("customer-list") + "?sort=-outstanding",
        )

"""A rating worse than the one before it: marked on the rating (the timeline shows it) and
told to the customer's rep and to finance, once (only a new rating is ever compared)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.i18n import from_data, to_data
from encaisse.risk.models_ratings import CreditRating
from encaisse.risk.ratings_rules import RatingFacts, downgrade_reasons

LISTED = 20


def _facts(rating: CreditRating) -> RatingFacts:
    return RatingFacts(score=rating.score, grade=rating.grade, incidents=rating.incidents)


def mark_and_tell_downgrades(*, ratings: Sequence[CreditRating]) -> int:
    """Compare each new rating with the customer's rating before it; mark the downgrades.
    A downgrade that is now the customer's current rating is told to its rep and finance
    (one notification per person). Returns how many customers were told of."""
    if not ratings:
        return 0
    points = settings.ENCAISSE_RATING_DOWNGRADE_POINTS
    new_ids = {rating.pk for rating in ratings}
    customer_ids = sorted({rating.customer_id for rating in ratings})
    marked: list[CreditRating] = []
    current_downgrades: list[CreditRating] = []
    for start in range(0, len(customer_ids), 1000):
        history: dict[int, list[CreditRating]] = defaultdict(list)
        for rating in CreditRating.objects.filter(
            customer_id__in=customer_ids[start : start + 1000]
        ).order_by("customer_id", "rated_on", "pk"):
            history[rating.customer_id].append(rating)
        for ratings_of_one in history.values():
            for before, after in pairwise(ratings_of_one):
                if after.pk not in new_ids:
                    continue
                reasons = downgrade_reasons(_facts(before), _facts(after), points=points)
                if reasons:
                    after.downgrade = [to_data(reason) for reason in reasons]
                    marked.append(after)
            latest = ratings_of_one[-1]
            if latest.pk in new_ids and latest in marked:
                current_downgrades.append(latest)
    CreditRating.objects.bulk_update(marked, ["downgrade"], batch_size=1000)
    _tell(current_downgrades)
    return len(current_downgrades)


def _tell(downgrades: list[CreditRating]) -> None:
    if not downgrades:
        return
    by_id = {rating.customer_id: rating for rating in downgrades}
    customers = {
        rating.customer_id: rating.customer
        for rating in CreditRating.objects.filter(pk__in=[r.pk for r in downgrades])
        .select_related("customer")
        .only("customer__name", "customer__sales_rep_id")
    }
    audience: dict[int, set[int]] = defaultdict(set)  # user -> customers
    finance = list(users_who_run_dunning())
    for customer_id, customer in customers.items():
        for person in finance:
            audience[person.pk].add(customer_id)
        if customer.sales_rep_id is not None:
            audience[customer.sales_rep_id].add(customer_id)
    people = User.objects.filter(pk__in=list(audience), is_active=True).in_bulk()
    for person_id, ids in audience.items():
        if person_id not in people:
            continue
        person = people[person_id]
        named = sorted(ids, key=lambda pk: customers[pk].name)
        with translation.override(language_of(person)):
            if len(named) == 1:
                customer_id = named[0]
                notify(
                    recipient=person,
                    title=_("%(customer)s: credit rating downgraded")
                    % {"customer": customers[customer_id].name},
                    body=_reasons(by_id[customer_id]),
                    url=reverse("customer-detail", args=[customer_id]),
                    customer_id=customer_id,
                )
                continue
            lines = [f"- {customers[pk].name}: {_reasons(by_id[pk])}" for pk in named[:LISTED]]
            notify(
                recipient=person,
                title=ngettext(
                    "%(count)d customer's credit rating downgraded",
                    "%(count)d customers' credit ratings downgraded",
                    len(named),
                )
                % {"count": len(named)},
                body="\n".join(lines),
                url=reverse("customer-list"),
            )


def _reasons(rating: CreditRating) -> str:
    """Why the rating is a downgrade, in the active language."""
    return "; ".join(str(from_data(reason)) for reason in rating.downgrade)

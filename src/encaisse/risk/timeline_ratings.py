"""Ratings and credit-insurance cover on the customer's timeline (core.timeline)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from encaisse.core.i18n import from_data
from encaisse.core.money import format_money
from encaisse.core.timeline import TimelineEvent
from encaisse.ledger.models import Customer
from encaisse.risk.ratings import customer_covers, customer_ratings

PER_KIND = 40
LABELS = {
    "credit_rating": pgettext_lazy("timeline", "Rating"),
    "rating_downgrade": pgettext_lazy("timeline", "Rating downgrade"),
    "insurance_cover": pgettext_lazy("timeline", "Credit insurance"),
}


def ratings_timeline(customer: Customer, reader: Any) -> list[TimelineEvent]:
    """The customer's ratings (downgrades stand out) and each version of its cover."""
    url = reverse("risk-customer-ratings", args=[customer.pk])
    currency = customer.entity.currency
    events = []
    for rating in customer_ratings(customer)[:PER_KIND]:
        facts = [
            _("score %(score)s") % {"score": rating.score} if rating.score is not None else "",
            _("grade %(grade)s") % {"grade": rating.grade} if rating.grade else "",
            rating.source,
        ]
        reasons = "; ".join(str(from_data(reason)) for reason in rating.downgrade)
        events.append(
            TimelineEvent(
                at=timezone.make_aware(dt.datetime.combine(rating.rated_on, dt.time(12))),
                kind="rating_downgrade" if reasons else "credit_rating",
                title=" · ".join(fact for fact in facts if fact),
                detail=reasons,
                url=url,
                tone="danger" if reasons else "secondary",
            )
        )
    for cover in customer_covers(customer)[:PER_KIND]:
        if cover.amount:
            title = _("Insured for %(amount)s by %(insurer)s") % {
                "amount": format_money(cover.amount, currency),
                "insurer": cover.insurer,
            }
        else:
            title = _("Cover withdrawn by %(insurer)s") % {"insurer": cover.insurer}
        detail = (
            _("until %(date)s") % {"date": f"{cover.expires_on:%d/%m/%Y}"}
            if cover.expires_on
            else ""
        )
        by = cover.recorded_by
        events.append(
            TimelineEvent(
                at=cover.recorded_at,
                kind="insurance_cover",
                title=title,
                detail=detail,
                by=(by.get_full_name() or by.username) if by else "",
                url=url,
                tone="secondary" if cover.amount else "warning",
            )
        )
    return events

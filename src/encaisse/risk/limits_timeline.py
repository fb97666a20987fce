"""Credit limits on the customer's timeline: the limits finance changed, the requests and
their decisions (core.timeline source; the customer already scoped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from encaisse.core.money import format_money
from encaisse.core.timeline import TimelineEvent
from encaisse.ledger.models import Customer
from encaisse.risk.limits_selectors import customer_limit_changes, customer_limit_requests
from encaisse.risk.models_limits import LimitRequestStatus

LABELS = {
    "limit": pgettext_lazy("timeline", "Limit"),
    "limit_request": pgettext_lazy("timeline", "Limit request"),
}
FIELDS = {
    "temporary_limit": gettext_lazy("Temporary limit"),
    "temporary_until": gettext_lazy("Temporary limit until"),
    "oldest_days_limit": gettext_lazy("Days limit (oldest overdue invoice)"),
    "average_days_limit": gettext_lazy("Days limit (weighted average)"),
    "uninvoiced_orders": gettext_lazy("Orders not yet invoiced"),
}
MONEY_FIELDS = {"temporary_limit", "uninvoiced_orders"}


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _value(field: str, value: str, currency: str) -> str:
    if not value:
        return "—"
    if field in MONEY_FIELDS:
        return format_money(Decimal(value), currency)
    if field == "temporary_until":
        return str(formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT"))
    return value


def limit_events(customer: Customer, reader: Any) -> list[TimelineEvent]:
    currency = customer.entity.currency
    url = reverse("customer-detail", args=[customer.pk]) + "#credit-limits"
    events = [
        TimelineEvent(
            at=change.changed_at,
            kind="limit",
            title=str(FIELDS.get(change.field, change.field)),
            detail=f"{_value(change.field, change.before, currency)} → "
            f"{_value(change.field, change.after, currency)}",
            by=_name(change.changed_by),
        )
        for change in customer_limit_changes(customer)
    ]
    for request in customer_limit_requests(customer, limit=20):
        asked = format_money(request.amount, currency)
        events.append(
            TimelineEvent(
                at=request.requested_at,
                kind="limit_request",
                title=_("Credit limit asked: %(amount)s") % {"amount": asked},
                detail=request.justification,
                by=_name(request.requested_by),
                amount=request.amount,
                url=url,
                tone="info",
            )
        )
        if request.decided_at is not None:
            titles = {
                LimitRequestStatus.APPROVED: _("Credit limit approved"),
                LimitRequestStatus.COUNTERED: _("Credit limit counter-proposed"),
                LimitRequestStatus.REFUSED: _("Credit limit refused"),
            }
            events.append(
                TimelineEvent(
                    at=request.decided_at or timezone.now(),
                    kind="limit_request",
                    title=str(titles.get(LimitRequestStatus(request.status), request.status)),
                    detail=request.decision_note,
                    by=_name(request.decided_by),
                    amount=request.decided_amount,
                    url=url,
                    tone="danger" if request.status == LimitRequestStatus.REFUSED else "success",
                )
            )
    return events

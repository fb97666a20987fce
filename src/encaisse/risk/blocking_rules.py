"""The rules that block a customer without a person deciding, evaluated by the daily job
(risk.tasks_blocking): each finds, in one query, the customers it would block on a day.
Which rules are on is settings.ENCAISSE_BLOCKING_RULES."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Customer, Invoice
from encaisse.risk.limits import limit_statuses


@dataclass(frozen=True)
class BlockingRule:
    key: str
    label: Any  # a lazy translation: the reason a block by this rule gives
    customers: Callable[[dt.date], QuerySet[Customer]]


def _over_limit_and_overdue(as_of: dt.date) -> QuerySet[Customer]:
    """Over its amount limit (the one rule, risk.limits: exposure above the limit in force,
    a temporary one included) and an open invoice more than ENCAISSE_BLOCKING_OVERDUE_DAYS
    past its due date."""
    days = settings.ENCAISSE_BLOCKING_OVERDUE_DAYS
    long_overdue = Invoice.objects.open().filter(
        customer=OuterRef("pk"), due_date__lt=as_of - dt.timedelta(days=days)
    )
    candidates = Customer.objects.filter(Exists(long_overdue))
    statuses = limit_statuses(candidates, as_of=as_of)
    return Customer.objects.filter(
        pk__in=[pk for pk, status in statuses.items() if status.over_amount]
    )


RULES: dict[str, BlockingRule] = {
    rule.key: rule
    for rule in [
        BlockingRule(
            key="over_limit_and_overdue",
            label=_("over its credit limit with an invoice more than %(days)s days past due"),
            customers=_over_limit_and_overdue,
        ),
    ]
}


def rule_reason(key: str) -> str:
    """What a block by rule ``key`` says, in the active language."""
    rule = RULES.get(key)
    if rule is None:
        return key
    return str(rule.label) % {"days": settings.ENCAISSE_BLOCKING_OVERDUE_DAYS}


def active_rules() -> list[BlockingRule]:
    return [RULES[key] for key in settings.ENCAISSE_BLOCKING_RULES if key in RULES]

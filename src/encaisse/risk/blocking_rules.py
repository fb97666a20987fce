"""The rules that block a customer without a person deciding, evaluated by the daily job
(risk.tasks_blocking): each finds, in one query, the customers it would block on a day.
Which rules are on is settings.ENCAISSE_BLOCKING_RULES."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Customer, Invoice
from encaisse.ledger.selectors import with_balances


@dataclass(frozen=True)
class BlockingRule:
    key: str
    label: Any  # a lazy translation: the reason a block by this rule gives
    customers: Callable[[dt.date], QuerySet[Customer]]


def _over_limit_and_overdue(as_of: dt.date) -> QuerySet[Customer]:
    """Outstanding above the credit limit and an open invoice more than
    ENCAISSE_BLOCKING_OVERDUE_DAYS past its due date."""
    days = settings.ENCAISSE_BLOCKING_OVERDUE_DAYS
    long_overdue = Invoice.objects.open().filter(
        customer=OuterRef("pk"), due_date__lt=as_of - dt.timedelta(days=days)
    )
    over = with_balances(
        Customer.objects.filter(credit_limit__isnull=False, credit_limit__gt=0), today=as_of
    )
    # ``outstanding`` is with_balances' annotation, which the type checker cannot see.
    return over.filter(outstanding__gt=F("credit_limit")).filter(  # type: ignore[misc]
        Exists(long_overdue)
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

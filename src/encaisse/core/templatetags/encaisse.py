"""Template filters for numbers as a reader expects them: 1 234,56 € in French."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

from encaisse.core.i18n import grouped
from encaisse.core.money import currency_symbol, to_money

register = template.Library()


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """1 234,56 € (French) or €1,234.56 (English); empty for None."""
    if value is None or value == "":
        return ""
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    symbol = currency_symbol(currency or "EUR")
    text = grouped(abs(amount), 2)
    sign = "-" if amount < 0 else ""
    if (get_language() or "en").startswith("en") and len(symbol) == 1:
        return f"{sign}{symbol}{text}"
    return f"{sign}{text}\u00a0{symbol}"


@register.filter
def amount(value: Any) -> str:
    """A grouped number without currency, 0 decimals: 1 234 (for compact tables)."""
    if value is None or value == "":
        return ""
    return grouped(to_money(value).quantize(Decimal(1)), 0)


@register.filter
def days_past(due_date: dt.date | None, as_of: dt.date) -> int | None:
    if due_date is None:
        return None
    return (as_of - due_date).days


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (for sort and page links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"

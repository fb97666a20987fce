"""Template filters for numbers as a reader expects them: 1 234,56 € in French."""

from __future__ import annotations

import datetime as dt
from decimal import InvalidOperation
from typing import Any

from django import template

from encaisse.core.countries import country_name
from encaisse.core.money import format_money, format_number

register = template.Library()


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """1 234,56 € (French) or €1,234.56 (English); empty for None (``format_money``)."""
    if value is None or value == "":
        return ""
    try:
        return format_money(value, currency or "EUR")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def amount(value: Any) -> str:
    """A grouped number without currency, 0 decimals: 1 234 (for compact tables)."""
    if value is None or value == "":
        return ""
    return format_number(value)


@register.filter
def country(code: str | None) -> str:
    """A country code as its name in the reader's language: DE -> Allemagne (French)."""
    return country_name(code) if code else ""


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

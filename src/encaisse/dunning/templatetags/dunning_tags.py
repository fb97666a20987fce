from __future__ import annotations

import datetime as dt

from django import template

from encaisse.dunning.labels import step_label as _step_label
from encaisse.dunning.selectors import PausedInvoice
from encaisse.dunning.selectors import paused_invoices as _paused_invoices

register = template.Library()


@register.filter
def step_label(key: str) -> str:
    return _step_label(key)


@register.simple_tag
def paused_invoices(customer: object, as_of: dt.date) -> list[PausedInvoice]:
    """``{% paused_invoices customer today as paused %}``: what the run leaves alone, why."""
    return _paused_invoices(customer, as_of=as_of)  # type: ignore[arg-type]

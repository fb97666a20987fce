"""Panels that higher apps add to a lower app's page without the lower app importing them.

The customer page belongs to the ledger, but dunning, collaboration and risk have things to
show there. Each registers a panel (in its AppConfig.ready); the ledger's view renders them
in order. Dependencies keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

CustomerPanel = Callable[[HttpRequest, Any], str | None]
_customer_panels: list[tuple[int, CustomerPanel]] = []


def register_customer_panel(panel: CustomerPanel, *, order: int = 100) -> None:
    if all(existing is not panel for _order, existing in _customer_panels):
        _customer_panels.append((order, panel))
        _customer_panels.sort(key=lambda entry: entry[0])


def render_customer_panels(request: HttpRequest, customer: Any) -> list[SafeString]:
    """The HTML of every registered panel for a customer the user may already see."""
    rendered = []
    for _order, panel in _customer_panels:
        html = panel(request, customer)
        if html:
            rendered.append(SafeString(html))
    return rendered


@dataclass(frozen=True)
class InvoiceAction:
    """A link on each open invoice of the customer page, to a higher app's page about that
    invoice: ``url_name`` is reversed with the customer's id, the invoice's goes in
    ``?invoice=``; shown to the users ``allowed`` says yes to."""

    label: Any  # a lazy translation
    url_name: str
    allowed: Callable[[Any], bool]


_invoice_actions: list[InvoiceAction] = []


def register_invoice_action(action: InvoiceAction) -> None:
    if all(existing.url_name != action.url_name for existing in _invoice_actions):
        _invoice_actions.append(action)


def invoice_actions(user: Any) -> list[InvoiceAction]:
    """The links the customer page shows ``user`` on each open invoice."""
    return [action for action in _invoice_actions if action.allowed(user)]


@dataclass(frozen=True)
class CustomerAction:
    """A button of the customer page's action bar (everything one may do about a customer
    starts there, on a phone too): a higher app's page reversed with the customer's id
    (``url_name``), or a place on the page itself (``anchor``: a panel's id); shown to the
    users ``allowed`` says yes to, in ``order``."""

    label: Any  # a lazy translation
    allowed: Callable[[Any], bool]
    url_name: str = ""
    anchor: str = ""
    order: int = 100


_customer_actions: list[CustomerAction] = []


def register_customer_action(action: CustomerAction) -> None:
    if all(existing.url_name + existing.anchor != action.url_name + action.anchor
           for existing in _customer_actions):  # fmt: skip
        _customer_actions.append(action)
        _customer_actions.sort(key=lambda entry: entry.order)


def customer_actions(user: Any) -> list[CustomerAction]:
    """The buttons the customer page shows ``user``."""
    return [action for action in _customer_actions if action.allowed(user)]

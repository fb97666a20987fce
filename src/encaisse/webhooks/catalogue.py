"""The events Encaisse tells other programs about (the ERP, the TMS), in one place: the
names a subscription may choose and what each means. Domain apps emit them through
``encaisse.webhooks.services.emit``; nothing else names an event."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every event a subscription may choose, with what it means to the IT person.
EVENTS: dict[str, Promise] = {
    "customer.blocked": _("A customer was blocked: stop taking and shipping its orders."),
    "customer.unblocked": _("A customer was unblocked: its orders may go again."),
    "promise.broken": _("A promise to pay was not kept by its date."),
    "dispute.opened": _("A dispute was opened on invoices (their dunning pauses)."),
    "dispute.resolved": _("A dispute was resolved, rejected or withdrawn."),
    "reminder.sent": _("A reminder (e-mail, letter or SMS) was sent to a customer."),
    "payment.received": _("A payment was received and recorded."),
    "payment.returned": _("A payment was returned (rejected direct debit, unpaid cheque)."),
    "limit.requested": _("A new credit limit was requested for a customer."),
    "limit.decided": _("A credit limit request was approved, refused or countered."),
}
# Sent only by `encaisse webhooks test` and the page's "Send a test" button, to one
# subscription, whatever its events: it checks the URL and the signature.
PING = "ping"
ALL_EVENTS = "*"


def is_known_event(name: str) -> bool:
    return name in EVENTS or name == PING


def event_choices() -> list[tuple[str, str]]:
    """(name, "name — description") for a form's checkboxes."""
    return [(name, f"{name} — {description}") for name, description in EVENTS.items()]

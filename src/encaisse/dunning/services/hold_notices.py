"""Who hears of a hold: finance when a rep asks for one (a decision waits), the rep when
finance decides. Each in their own language, with a link they may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from encaisse.accounts.permissions import users_who_run_dunning
from encaisse.collaboration.services import language_of, notify
from encaisse.dunning.models import HoldRequest, HoldStatus
from encaisse.ledger.scoping import visible_customers


def _name(user: object) -> str:
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))


def _day(hold: HoldRequest) -> str:
    return str(formats.date_format(hold.hold_until, "SHORT_DATE_FORMAT"))


def tell_finance_a_hold_waits(hold: HoldRequest) -> int:
    """One notification to each person who decides holds (never the one who asked)."""
    url = reverse("dunning-approvals")
    numbers = ", ".join(sorted(invoice.number for invoice in hold.invoices.all()))
    told = 0
    deciders = users_who_run_dunning()
    if hold.requested_by_id is not None:
        deciders = deciders.exclude(pk=hold.requested_by_id)
    for person in deciders:
        with translation.override(language_of(person)):
            notify(
                recipient=person,
                title=_("Hold requested for %(customer)s until %(day)s")
                % {"customer": hold.customer.name, "day": _day(hold)},
                body=_("%(person)s: %(reason)s\nInvoices: %(invoices)s")
                % {
                    "person": _name(hold.requested_by),
                    "reason": hold.reason,
                    "invoices": numbers,
                },
                url=url,
                customer=hold.customer,
            )
        told += 1
    return told


def tell_the_rep_finance_decided(hold: HoldRequest) -> bool:
    """The person who asked hears of the decision, if they still see the customer."""
    rep = hold.requested_by
    if rep is None or not rep.is_active or rep.pk == hold.decided_by_id:
        return False
    if not visible_customers(rep).filter(pk=hold.customer_id).exists():
        return False
    with translation.override(language_of(rep)):
        if hold.status == HoldStatus.APPROVED:
            title = _("Hold approved for %(customer)s: no reminder until %(day)s") % {
                "customer": hold.customer.name,
                "day": _day(hold),
            }
        else:
            title = _("Hold refused for %(customer)s: dunning goes on") % {
                "customer": hold.customer.name
            }
        body = "\n".join(
            filter(
                None,
                [
                    _("Decided by %(person)s.") % {"person": _name(hold.decided_by)},
                    hold.decision_note,
                ],
            )
        )
        notify(
            recipient=rep,
            title=title,
            body=body,
            url=reverse("customer-detail", args=[hold.customer_id]),
            customer=hold.customer,
        )
    return True

"""A rep hears when customers of theirs pay: one notification per rep per import or bank
statement, however many payments it brings ("3 customers of yours paid: ..."), written from
a few aggregate queries, never one per payment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.accounts.models import User
from encaisse.collaboration.notifications import language_of, notify
from encaisse.core.money import ZERO, format_money
from encaisse.ledger.models import Invoice

_BATCH = 500  # ids per query: under SQLite's bound-parameter limit
LISTED = 20  # customers named in the body; the count says how many in all


@dataclass
class _Paid:
    customer_id: int
    name: str
    amounts: dict[str, Decimal] = field(default_factory=dict)  # by currency
    invoices: int = 0
    settled: int = 0

    def line(self) -> str:
        amounts = ", ".join(format_money(v, c) for c, v in sorted(self.amounts.items()))
        return _("%(customer)s: %(amount)s") % {"customer": self.name, "amount": amounts}


def tell_reps_their_customers_paid(*, allocated: Mapping[int, Decimal]) -> int:
    """One notification per rep whose customers' invoices were just lettered
    (``allocated``: invoice id -> amount lettered now), in the rep's language, linking to
    the customer (or to their customers when several paid). How many reps were told."""
    ids = sorted(invoice_id for invoice_id, amount in allocated.items() if amount > ZERO)
    by_rep: dict[int, dict[int, _Paid]] = {}
    for start in range(0, len(ids), _BATCH):
        rows = Invoice.objects.filter(
            pk__in=ids[start : start + _BATCH], customer__sales_rep__isnull=False
        ).values_list(
            "pk", "customer_id", "customer__name", "customer__sales_rep_id", "currency",
            "settled_on",
        )  # fmt: skip
        for invoice_id, customer_id, name, rep_id, currency, settled_on in rows:
            paid = by_rep.setdefault(rep_id, {}).setdefault(customer_id, _Paid(customer_id, name))
            paid.amounts[currency] = paid.amounts.get(currency, ZERO) + allocated[invoice_id]
            paid.invoices += 1
            paid.settled += settled_on is not None
    reps = User.objects.filter(pk__in=list(by_rep), is_active=True).in_bulk()
    for rep_id, customers in by_rep.items():
        rep = reps.get(rep_id)
        if rep is not None:
            _tell(rep, sorted(customers.values(), key=lambda paid: paid.name))
    return sum(1 for rep_id in by_rep if rep_id in reps)


def _tell(rep: User, paid: list[_Paid]) -> None:
    with translation.override(language_of(rep)):
        if len(paid) == 1:
            only = paid[0]
            title = _("%(customer)s paid %(amount)s") % {
                "customer": only.name,
                "amount": ", ".join(format_money(v, c) for c, v in sorted(only.amounts.items())),
            }
            body = ngettext(
                "%(count)d invoice lettered, %(settled)d now settled.",
                "%(count)d invoices lettered, %(settled)d now settled.",
                only.invoices,
            ) % {"count": only.invoices, "settled": only.settled}
            url = reverse("customer-detail", args=[only.customer_id])
            customer: int | None = only.customer_id
        else:
            title = ngettext(
                "%(count)d customer of yours paid",
                "%(count)d customers of yours paid",
                len(paid),
            ) % {"count": len(paid)}
            lines = [f"- {item.line()}" for item in paid[:LISTED]]
            if len(paid) > LISTED:
                lines.append(_("and %(count)d more") % {"count": len(paid) - LISTED})
            body = "\n".join(lines)
            url = reverse("customer-list")
            customer = None  # several: the notification stays about them all
        notify(recipient=rep, title=title, body=body, url=url, customer_id=customer)

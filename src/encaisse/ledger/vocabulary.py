"""The ledger's words: kinds of invoice, which invoices and payments are open, receivable or
overdue (one definition each, the managers of ``Invoice`` and ``Payment``), and why a bank
returned a payment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from encaisse.ledger.models import Invoice, Payment  # noqa: F401 (the querysets' rows)


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    """The ledger's words for which invoices: one definition each, used everywhere."""

    def open(self) -> InvoiceQuerySet:
        """Not settled: something is still due on it (or owed back, on a credit note)."""
        return self.filter(settled_on__isnull=True)

    def open_on(self, day: dt.date) -> InvoiceQuerySet:
        """Not settled on ``day`` (settled later, or not yet)."""
        return self.filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day))

    def receivable(self) -> InvoiceQuerySet:
        """Invoices (not credit notes) with something left to pay: what dunning may ask."""
        return self.open().filter(kind=InvoiceKind.INVOICE, open_amount__gt=0)

    def overdue(self, day: dt.date) -> InvoiceQuerySet:
        """Receivable invoices past their due date on ``day``."""
        return self.receivable().filter(due_date__lt=day)


class PaymentQuerySet(models.QuerySet["Payment"]):
    def open(self) -> PaymentQuerySet:
        """Not fully allocated: some of it is still on the customer's account."""
        return self.filter(settled_on__isnull=True)

    def open_on(self, day: dt.date) -> PaymentQuerySet:
        return self.filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day))


class ReturnReason(models.TextChoices):
    """Why a bank sent a payment back (ISO 20022 return reason codes), in words."""

    AC01 = "AC01", _("incorrect account number")
    AC04 = "AC04", _("closed account")
    AC06 = "AC06", _("blocked account")
    AG01 = "AG01", _("transaction forbidden on this account")
    AM04 = "AM04", _("insufficient funds")
    AM05 = "AM05", _("duplicate payment")
    BE05 = "BE05", _("creditor not recognised")
    CUST = "CUST", _("requested by the customer")
    DUPL = "DUPL", _("duplicate payment")
    FOCR = "FOCR", _("returned after a cancellation request")
    FRAD = "FRAD", _("fraudulent origin")
    MD01 = "MD01", _("no mandate")
    MD06 = "MD06", _("refund requested by the customer")
    MD07 = "MD07", _("customer deceased")
    MS02 = "MS02", _("refused by the customer")
    MS03 = "MS03", _("refused by the bank")
    RC01 = "RC01", _("incorrect bank identifier")
    RR04 = "RR04", _("regulatory reason")
    SL01 = "SL01", _("service of the customer's bank")
    TECH = "TECH", _("technical problem")


def return_reason_label(code: str) -> str:
    """'AC04 closed account' in the reader's language; an unknown code as it is."""
    if code in ReturnReason.values:
        return f"{code} {ReturnReason(code).label}"
    return code

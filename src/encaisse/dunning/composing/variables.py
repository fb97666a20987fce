"""The variables a message template may use: documented here, and nothing else exists.

``MESSAGE_VARIABLES`` is the one list: the template editor shows it, the sandbox refuses
any name or field outside it, docs/message-templates.md explains it, and
``template_context`` builds exactly these names from a message's stored facts, as plain
values (strings, numbers, dates, frozen records), never model instances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from encaisse.core.money import format_money, format_money_totals
from encaisse.dunning.composing.facts import (
    INDEMNITY_CURRENCY,
    LineFacts,
    MessageFacts,
)
from encaisse.dunning.penalties import RECOVERY_INDEMNITY


@dataclass(frozen=True)
class Variable:
    """A documented name: a value, a record (``fields``) or a list of records (``item``)."""

    help: str | Promise
    fields: dict[str, Variable] = field(default_factory=dict)
    item: Variable | None = None
    printable: bool = True  # a record printed shows its name; the loop's counters do not

    @property
    def is_record(self) -> bool:
        return bool(self.fields)

    @property
    def is_list(self) -> bool:
        return self.item is not None

    @property
    def is_printable(self) -> bool:
        """May be printed or filtered (a list is looped over, never printed)."""
        return self.printable and not self.is_list


def _value(help_text: str | Promise) -> Variable:
    return Variable(help_text)


INVOICE_FIELDS = {
    "number": _value(_("the invoice number")),
    "issue_date": _value(_("its issue date (a date: use the date filter)")),
    "due_date": _value(_("its due date")),
    "days_past_due": _value(_("days past its due date on the message's date (negative: not due)")),
    "is_overdue": _value(_("true when it is past its due date")),
    "reminded": _value(_("true when an earlier reminder or call was about it")),
    "open_amount": _value(_("what is left to pay, as a number")),
    "open_amount_display": _value(_("what is left to pay, with its currency")),
    "currency": _value(_("its currency code (EUR)")),
    "interest": _value(_("late-payment interest on it to date, as a number")),
    "interest_display": _value(_("late-payment interest on it to date, with its currency")),
}

MESSAGE_VARIABLES: dict[str, Variable] = {
    "today": _value(_("the message's date: every figure in it is as of this day")),
    "customer": Variable(
        _("the customer"),
        fields={
            "name": _value(_("its name")),
            "external_id": _value(_("its account number in your books")),
            "siren": _value(_("its SIREN")),
            "siret": _value(_("its SIRET")),
            "vat_number": _value(_("its VAT number")),
            "address": _value(_("its street address")),
            "postal_code": _value(_("its postal code")),
            "city": _value(_("its city")),
            "country": _value(_("its country code (FR)")),
        },
    ),
    "contact": Variable(
        _("who receives the reminder: the collection contact, else the customer"),
        fields={
            "name": _value(_("the contact's name")),
            "job_title": _value(_("the contact's job title")),
            "email": _value(_("the contact's e-mail")),
            "phone": _value(_("the contact's phone")),
        },
    ),
    "contact_name": _value(_("the collection contact's name (the customer's name without one)")),
    "entity": Variable(
        _("your company (the legal entity that invoiced)"),
        fields={
            "name": _value(_("its name")),
            "address": _value(_("its address")),
            "siren": _value(_("its SIREN")),
            "vat_number": _value(_("its VAT number")),
            "iban": _value(_("the IBAN to pay to")),
            "bic": _value(_("the BIC to pay to")),
            "email": _value(_("the e-mail that sends reminders and receives replies")),
        },
    ),
    "sender": Variable(
        _("who signs the message"),
        fields={
            "name": _value(_("the signing department (accounts receivable)")),
            "email": _value(_("the address replies go to")),
        },
    ),
    "invoices": Variable(
        _("the invoices of the message, to loop over once"),
        item=Variable(_("an invoice"), fields=INVOICE_FIELDS),
    ),
    "invoice_count": _value(_("how many invoices the message lists")),
    "previously_reminded": _value(
        _("true when each invoice was reminded before: say “despite our reminders” only then")
    ),
    "overdue_count": _value(_("how many of them are past their due date")),
    "invoice_table": _value(_("the invoices as an aligned text table")),
    "total_due": _value(_("the total left to pay, with its currency")),
    "total_due_amount": _value(
        _("the total left to pay, as a number (empty when the invoices are in several currencies)")
    ),
    "max_days_past_due": _value(_("days past due of the latest invoice: say “up to N days”")),
    "min_days_past_due": _value(
        _("days past due of the least late invoice: say “at least N days”, true of each one")
    ),
    "interest_rate": _value(_("the yearly late-payment interest rate (%)")),
    "interest_total": _value(_("late-payment interest to date, on all the invoices")),
    "indemnity_per_invoice": _value(_("the fixed recovery indemnity per late invoice (€40)")),
    "indemnity_total": _value(_("the fixed recovery indemnity times the late invoices")),
    "payment_reference": _value(_("the reference to quote with the transfer")),
    "qr_code": _value(
        _("true when a SEPA QR code comes with the message (an IBAN, one total in euros)")
    ),
}

# What a loop gives besides its item (Django's forloop).
FORLOOP = Variable(
    _("the loop's counters"),
    fields={name: _value(name) for name in ("counter", "counter0", "revcounter", "first", "last")},
    printable=False,
)


@dataclass(frozen=True)
class InvoiceEntry:
    """An invoice as a template reads it: ``INVOICE_FIELDS`` and nothing else."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    days_past_due: int
    is_overdue: bool
    reminded: bool
    open_amount: Decimal
    open_amount_display: str
    currency: str
    interest: Decimal
    interest_display: str

    def __str__(self) -> str:
        return self.number


def days_label(line: LineFacts, language: str) -> str:
    """How late the invoice is, in the table: '30 j', or 'à échoir' before its due date."""
    if language == "fr":
        return f"{line.days_past_due} j" if line.days_past_due > 0 else "à échoir"
    return f"{line.days_past_due} d" if line.days_past_due > 0 else "not due"


def invoice_table(facts: MessageFacts) -> str:
    """The invoices as an aligned text table, with a header line (plain-text e-mails)."""
    french = facts.language == "fr"
    date_format = "%d/%m/%Y" if french else "%Y-%m-%d"
    headers = (
        ("Facture", "Échéance", "Retard", "Reste dû")
        if french
        else (
            "Invoice",
            "Due",
            "Late",
            "Open",
        )
    )
    with override(facts.language):
        rows = [
            (
                line.number,
                line.due_date.strftime(date_format),
                days_label(line, facts.language),
                format_money(line.open_amount, line.currency),
            )
            for line in facts.lines
        ]
    width = max([len(headers[0]), *(len(row[0]) for row in rows)])
    return "\n".join(
        f"  {number:<{width}}  {due:<10}  {days:>8}  {amount:>14}"
        for number, due, days, amount in [headers, *rows]
    )


def template_context(facts: MessageFacts) -> dict[str, Any]:
    """Exactly ``MESSAGE_VARIABLES``, from the stored facts, in the message's language."""
    with override(facts.language):
        entries = tuple(
            InvoiceEntry(
                number=line.number,
                issue_date=line.issue_date,
                due_date=line.due_date,
                days_past_due=line.days_past_due,
                is_overdue=line.is_overdue,
                reminded=line.reminded,
                open_amount=line.open_amount,
                open_amount_display=format_money(line.open_amount, line.currency),
                currency=line.currency,
                interest=line.interest,
                interest_display=format_money(line.interest, line.currency),
            )
            for line in facts.lines
        )
        rate = str(facts.interest_rate)
        total = facts.total_due
        return {
            "today": facts.as_of,
            "customer": facts.customer,
            "contact": facts.contact,
            "contact_name": facts.contact.name,
            "entity": facts.entity,
            "sender": facts.sender,
            "invoices": entries,
            "invoice_count": len(entries),
            "previously_reminded": facts.previously_reminded,
            "overdue_count": len(facts.overdue_lines),
            "invoice_table": invoice_table(facts),
            "total_due": format_money_totals(facts.totals()),
            "total_due_amount": total if total is not None else "",
            "max_days_past_due": facts.max_days_past_due,
            "min_days_past_due": facts.min_days_past_due,
            "interest_rate": rate.replace(".", ",") if facts.language == "fr" else rate,
            "interest_total": format_money_totals(facts.interest_totals()),
            "indemnity_per_invoice": format_money(RECOVERY_INDEMNITY, INDEMNITY_CURRENCY),
            "indemnity_total": format_money(facts.indemnity_total, INDEMNITY_CURRENCY),
            "payment_reference": facts.payment_reference,
            "qr_code": facts.payable_by_qr,
        }

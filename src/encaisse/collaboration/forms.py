"""The few taps a person gives to say how a task went."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from encaisse.collaboration.models import CallOutcome, DisputeReason
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money
from encaisse.ledger.models import Invoice


class OutcomeArguments(TypedDict):
    """A call or task outcome as the form gives it to ``record_task_outcome``."""

    outcome: str
    note: str
    promised_for: dt.date | None
    promised_amount: Decimal | None
    dispute_reason: str | None


class AmountField(forms.DecimalField):
    """An amount as people type it on a phone: 1 500,50 or 1500.50 or 1,500.50."""

    def to_python(self, value: Any) -> Any:  # Decimal | None (the stubs say int)
        if isinstance(value, str):
            text = "".join(value.split()).replace("\u202f", "").replace("€", "")
            decimal_mark = max(text.rfind(","), text.rfind("."))
            if decimal_mark >= 0:
                whole = text[:decimal_mark].replace(",", "").replace(".", "")
                text = f"{whole}.{text[decimal_mark + 1 :]}"
            value = text
        return super().to_python(value)


class ServiceForm(forms.Form):
    """A form whose service refuses with BadInput("field: why"): the message goes next to
    that field (``service_fields`` maps the service's names to the form's)."""

    service_fields: dict[str, str] = {}

    def add_service_error(self, error: BadInput) -> None:
        """Show a service's "field: why" message next to that field."""
        field, sep, message = str(error).partition(": ")
        field = self.service_fields.get(field, field)
        if sep and field in self.fields:
            self.add_error(field, message)
        else:
            self.add_error(None, str(error))


class TaskOutcomeForm(ServiceForm):
    """One submit button per outcome (``name="outcome"``); the promise date and amount, the
    dispute reason and the note travel with every button and matter only to their outcome
    (the service says what is missing)."""

    service_fields = {"amount": "promised_amount"}  # record_promise calls it amount

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promised_for = forms.DateField(
        label=_("Will pay by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    promised_amount = AmountField(
        label=_("Amount (optional)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    dispute_reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("Choose a reason…")), *DisputeReason.choices],
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        """The usual slips, said in the user's language (the service checks them again)."""
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == CallOutcome.PROMISE:
            promised_for = data.get("promised_for")
            if promised_for is None and "promised_for" not in self.errors:
                self.add_error("promised_for", _("Give the date the customer will pay by."))
            elif promised_for is not None and promised_for < self.today:
                self.add_error("promised_for", _("This date is already past."))
            amount = data.get("promised_amount")
            if amount is not None and amount <= 0:
                self.add_error("promised_amount", _("The amount must be positive."))
        if outcome == CallOutcome.DISPUTE and not data.get("dispute_reason"):
            self.add_error("dispute_reason", _("Choose why the customer disputes."))
        return data

    def service_arguments(self) -> OutcomeArguments:
        """What ``record_task_outcome`` is given, typed (the view adds the task, who, when)."""
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "note": data.get("note") or "",
            "promised_for": data.get("promised_for"),
            "promised_amount": data.get("promised_amount"),
            "dispute_reason": data.get("dispute_reason") or None,
        }


class InvoiceChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in stubs only
    """Open invoices as ticks: "F-2026-001 · due 03/01/2026 · 1 234,56 €"."""

    def label_from_instance(self, obj: Any) -> str:
        due = formats.date_format(obj.due_date, "SHORT_DATE_FORMAT")
        return f"{obj.number} · {_('due')} {due} · {format_money(obj.open_amount, obj.currency)}"


class PromiseForm(ServiceForm):
    """A promise to pay taken on the customer page: by when, how much, for which invoices
    (the customer's open ones to choose from; the overdue ones ticked)."""

    promised_for = forms.DateField(
        label=_("Will pay by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount = AmountField(
        label=_("Amount (optional)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    invoices = InvoiceChoices(
        label=_("Invoices"),
        queryset=Invoice.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one invoice.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, invoices: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoices"].queryset = invoices  # type: ignore[attr-defined]
        self.today = today

    def clean_promised_for(self) -> dt.date:
        day: dt.date = self.cleaned_data["promised_for"]
        if day < self.today:
            raise forms.ValidationError(_("This date is already past."))
        return day

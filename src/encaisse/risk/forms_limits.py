"""The forms of credit limits: finance's limits, a limit request, finance's decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.collaboration.forms import AmountField
from encaisse.core.errors import BadInput
from encaisse.core.forms import add_service_error
from encaisse.risk.limit_changes import LimitsEdit
from encaisse.risk.models_limits import LimitRequestStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
DAYS_INPUT = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class _ServiceForm(forms.Form):
    """A service's "field: why" message goes next to that field (read from the English
    sentence, shown in the reader's language)."""

    service_fields: dict[str, str] = {}

    def add_service_error(self, error: BadInput) -> None:
        add_service_error(self, error, self.service_fields)


def _amount(label: Any, *, required: bool = False) -> AmountField:
    return AmountField(
        label=label, required=required, max_digits=14, decimal_places=2, widget=AMOUNT_INPUT
    )


class LimitsForm(_ServiceForm):
    service_fields = {
        "credit limit": "credit_limit",
        "temporary limit": "temporary_limit",
        "until": "temporary_until",
        "oldest days limit": "oldest_days_limit",
        "average days limit": "average_days_limit",
        "orders not yet invoiced": "uninvoiced_orders",
    }

    credit_limit = _amount(_("Credit limit (amount)"))
    temporary_limit = _amount(_("Temporary limit"))
    temporary_until = forms.DateField(label=_("until"), required=False, widget=DATE_INPUT)
    oldest_days_limit = forms.IntegerField(
        label=_("Oldest overdue invoice: at most (days past due)"),
        required=False,
        widget=DAYS_INPUT,
    )
    average_days_limit = forms.IntegerField(
        label=_("Weighted average days past due: at most"), required=False, widget=DAYS_INPUT
    )
    uninvoiced_orders = _amount(_("Orders not yet invoiced"))

    def edit(self) -> LimitsEdit:
        data = self.cleaned_data
        return LimitsEdit(
            credit_limit=data.get("credit_limit"),
            temporary_limit=data.get("temporary_limit"),
            temporary_until=data.get("temporary_until"),
            oldest_days_limit=data.get("oldest_days_limit"),
            average_days_limit=data.get("average_days_limit"),
            uninvoiced_orders=data.get("uninvoiced_orders") or Decimal("0"),
        )


class LimitRequestForm(_ServiceForm):
    service_fields = {
        "amount": "amount",
        "until": "temporary_until",
        "justification": "justification",
    }

    amount = _amount(_("Limit asked"), required=True)
    temporary_until = forms.DateField(
        label=_("Until (empty: a permanent limit)"), required=False, widget=DATE_INPUT
    )
    justification = forms.CharField(
        label=_("Why the customer needs it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LimitDecisionForm(_ServiceForm):
    service_fields = {"amount": "amount", "until": "until", "note": "note", "decision": "decision"}

    decision = forms.ChoiceField(
        choices=[
            (LimitRequestStatus.APPROVED, _("Approve")),
            (LimitRequestStatus.COUNTERED, _("Counter-propose")),
            (LimitRequestStatus.REFUSED, _("Refuse")),
        ]
    )
    amount = _amount(_("Other amount"))
    until = forms.DateField(label=_("until"), required=False, widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Why (required to refuse)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

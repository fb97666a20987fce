from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class HoldRequestForm(forms.Form):
    invoices = forms.CharField(widget=forms.HiddenInput)
    step = forms.SlugField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why should it wait?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    hold_until = forms.DateField(
        label=_("Hold until"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def invoice_ids(self) -> list[int]:
        raw = self.cleaned_data.get("invoices", "")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            return []

    @staticmethod
    def default_until(today: dt.date) -> dt.date:
        return today + dt.timedelta(days=15)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    note = forms.CharField(required=False, max_length=1000)

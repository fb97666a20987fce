from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.core.forms import DatePicker
from encaisse.ledger.models import Segment
from encaisse.reporting.selectors import GROUPING_LABELS, Grouping


class AgedBalanceForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DatePicker(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[(grouping.value, GROUPING_LABELS[grouping]) for grouping in Grouping],
    )
    rep = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)
    agency = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    segment = forms.ChoiceField(
        required=False, choices=[("", ""), *Segment.choices], widget=forms.HiddenInput
    )

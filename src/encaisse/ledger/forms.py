from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Segment
from encaisse.ledger.selectors import CUSTOMER_SORTS


class CustomerFilterForm(forms.Form):
    """The filters of the customer list; invalid values are ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("All segments")), *Segment.choices]
    )
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    rep = forms.TypedChoiceField(label=_("Sales rep"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        required=False, choices=[(key, key) for key in CUSTOMER_SORTS], initial="-overdue"
    )

    def __init__(self, *args, agencies=(), reps=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        rep_field = self.fields["rep"]
        assert isinstance(agency_field, forms.ChoiceField)  # noqa: S101  (narrows the type)
        assert isinstance(rep_field, forms.ChoiceField)  # noqa: S101
        agency_field.choices = [("", _("All agencies"))] + [
            (agency.pk, agency.name) for agency in agencies
        ]
        rep_field.choices = [("", _("All reps"))] + [(rep.pk, str(rep)) for rep in reps]

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import Segment
from encaisse.ledger.selectors import CUSTOMER_SORTS
from encaisse.ledger.services import InvalidLegalEntity


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


class LegalEntityForm(forms.Form):
    """A legal entity's fields as typed; ledger.services checks them (the command's rules),
    and ``add_service_errors`` puts each refusal on its field."""

    code = forms.CharField(
        label=_("Code"),
        max_length=100,
        help_text=_("Short, stored in capitals, e.g. TRL: what an import names with --entity."),
    )
    name = forms.CharField(label=_("Legal name"), max_length=300)
    siren = forms.CharField(
        label=_("SIREN"), required=False, max_length=100, help_text=_("9 digits.")
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        required=False,
        max_length=100,
        help_text=_("Intra-community, e.g. FR96552100554."),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=100,
        help_text=_("The account customers pay into, printed on reminders and letters."),
    )
    bic = forms.CharField(label=_("BIC"), required=False, max_length=100)
    email = forms.CharField(
        label=_("Sender e-mail"),
        required=False,
        max_length=254,
        help_text=_("Reminders are sent from it and customers' replies come back to it."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As printed on letters."),
    )

    def add_service_errors(self, error: InvalidLegalEntity) -> None:
        for field, reason in error.errors.items():
            self.add_error(field if field in self.fields else None, reason)


class LogoForm(forms.Form):
    """A logo file; ledger.services checks what it really is."""

    logo = forms.FileField(label=_("Logo (PNG or JPEG)"), required=False)

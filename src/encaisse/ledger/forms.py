from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import Agency
from encaisse.accounts.permissions import portfolio_holders
from encaisse.ledger.models import Segment
from encaisse.ledger.selectors import CUSTOMER_SORTS
from encaisse.ledger.services import ContactEdit, CustomerEdit, InvalidLegalEntity


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


class ServiceErrorsForm(forms.Form):
    """A form whose service refuses fields one by one (``InvalidLegalEntity.errors``): each
    refusal goes on its field."""

    def add_service_errors(self, error: InvalidLegalEntity) -> None:
        for field, reason in error.errors.items():
            self.add_error(field if field in self.fields else None, reason)


class LegalEntityForm(ServiceErrorsForm):
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


class LogoForm(forms.Form):
    """A logo file; ledger.services checks what it really is."""

    logo = forms.FileField(label=_("Logo (PNG or JPEG)"), required=False)


class CustomerEditForm(ServiceErrorsForm):
    """Finance's edit of a customer's collection data; ledger.services checks it."""

    sales_rep = forms.ModelChoiceField(
        label=_("Sales rep"), queryset=portfolio_holders(), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0)
    credit_limit = forms.DecimalField(
        label=_("Credit limit"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Empty: no limit."),
    )
    email = forms.EmailField(label=_("Company e-mail"), required=False)
    phone = forms.CharField(label=_("Company phone"), required=False, max_length=30)

    def edit(self) -> CustomerEdit:
        data = self.cleaned_data
        return CustomerEdit(
            sales_rep=data["sales_rep"],
            agency=data["agency"],
            segment=data["segment"],
            payment_terms_days=data["payment_terms_days"],
            credit_limit=data["credit_limit"],
            email=data["email"] or "",
            phone=data["phone"] or "",
        )


class ContactForm(ServiceErrorsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    receives_reminders = forms.BooleanField(
        label=_("Receives the reminders"),
        required=False,
        help_text=_("One contact per customer: the others stop receiving them."),
    )

    def edit(self) -> ContactEdit:
        data = self.cleaned_data
        return ContactEdit(
            name=data["name"],
            job_title=data["job_title"],
            email=data["email"] or "",
            phone=data["phone"],
            receives_reminders=data["receives_reminders"],
        )

"""The form a rep fills to record special terms, and the one finance decides them with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from encaisse.collaboration.forms import AmountField
from encaisse.collaboration.terms import MAX_DOCUMENT_BYTES, Instalment, TermsDocument
from encaisse.collaboration.terms_models import TermsKind
from encaisse.core.errors import BadInput
from encaisse.core.forms import add_service_error
from encaisse.ledger.models import Invoice

INSTALMENT_ROWS = 6
ALL_INVOICES = ""
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A service message starts with the field it is about ("new due date: ..."): its form field.
SERVICE_FIELDS = {
    "invoice": "invoice",
    "kind": "kind",
    "new due date": "new_due_date",
    "extra days": "extra_days",
    "instalments": "instalment_1_date",
    "discount": "discount_percent",
    "document": "document",
}


class SpecialTermsForm(forms.Form):
    invoice = forms.ChoiceField(label=_("On"), required=False)
    kind = forms.ChoiceField(
        label=_("Terms agreed"), choices=TermsKind.choices, widget=forms.RadioSelect
    )
    applies_from = forms.DateField(
        label=_("For the invoices issued from"), required=False, widget=DATE_INPUT
    )
    new_due_date = forms.DateField(label=_("New due date"), required=False, widget=DATE_INPUT)
    extra_days = forms.IntegerField(
        label=_("or days added to the due date"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    discount_amount = AmountField(
        label=_("or discount amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(
        label=_("Document (PDF or image, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, invoices: Iterable[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invoices = {str(invoice.pk): invoice for invoice in invoices}
        invoice_field = cast(forms.ChoiceField, self.fields["invoice"])
        invoice_field.choices = [
            (ALL_INVOICES, _("All the customer's invoices")),
            *((pk, invoice.number) for pk, invoice in self.invoices.items()),
        ]
        for row in range(1, INSTALMENT_ROWS + 1):
            self.fields[f"instalment_{row}_date"] = forms.DateField(
                label=_("Instalment date"), required=False, widget=DATE_INPUT
            )
            self.fields[f"instalment_{row}_amount"] = AmountField(
                label=_("Amount"),
                required=False,
                max_digits=14,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def instalment_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"instalment_{row}_date"], self[f"instalment_{row}_amount"])
            for row in range(1, INSTALMENT_ROWS + 1)
        ]

    def clean_document(self) -> UploadedFile | None:
        document = self.cleaned_data.get("document")
        if document and document.size and document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
            )
        return document or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, INSTALMENT_ROWS + 1):
            day, amount = data.get(f"instalment_{row}_date"), data.get(f"instalment_{row}_amount")
            if (day is None) != (amount is None) and data.get("kind") == TermsKind.INSTALMENTS:
                self.add_error(f"instalment_{row}_date", _("Give both the date and the amount."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        """What ``propose_terms`` is given (the view adds the customer, who and today)."""
        data = self.cleaned_data
        instalments = [
            Instalment(due_date=day, amount=amount)
            for row in range(1, INSTALMENT_ROWS + 1)
            if isinstance(day := data.get(f"instalment_{row}_date"), dt.date)
            and isinstance(amount := data.get(f"instalment_{row}_amount"), Decimal)
        ]
        upload = data.get("document")
        return {
            "kind": data["kind"],
            "invoice": self.invoices.get(data.get("invoice") or ALL_INVOICES),
            "applies_from": data.get("applies_from"),
            "new_due_date": data.get("new_due_date"),
            "extra_days": data.get("extra_days"),
            "instalments": instalments,
            "discount_amount": data.get("discount_amount"),
            "discount_percent": data.get("discount_percent"),
            "note": data.get("note") or "",
            "document": TermsDocument(content=upload.read(), name=upload.name or "")
            if upload
            else None,
        }

    def add_service_error(self, error: BadInput) -> None:
        add_service_error(self, error, SERVICE_FIELDS)


class TermsDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Why (required to refuse)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("refuse", _("Refuse"))])

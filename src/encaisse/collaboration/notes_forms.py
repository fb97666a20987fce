"""The note box of the customer page: a text, and what it is about (optional)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from encaisse.collaboration.models import Dispute
from encaisse.collaboration.note_text import MAX_LENGTH
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Invoice


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("**bold**, *italic*, lists with -, links; type @ to mention someone."),
        error_messages={"required": _("Write something before saving.")},
    )
    # Both lists are drawn by the template (an invoice by its number, a dispute by reason).
    invoice = forms.ModelChoiceField(
        label=_("About the invoice"), queryset=Invoice.objects.none(), required=False
    )
    dispute = forms.ModelChoiceField(
        label=_("About the dispute"), queryset=Dispute.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        invoices: QuerySet[Invoice],
        disputes: QuerySet[Dispute],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = invoices  # type: ignore[attr-defined]
        self.fields["dispute"].queryset = disputes  # type: ignore[attr-defined]
        if not disputes.exists():
            del self.fields["dispute"]

    def add_service_error(self, error: BadInput) -> None:
        """A service's refusal (a bad mention, an empty text) goes under the text."""
        self.add_error("body", str(error))


class NoteEditForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something before saving.")},
    )

"""The forms of disputes: open one, move it on, give it to someone, resolve it by a credit
note, comment; and the filters of the disputes page. Services check everything again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User
from encaisse.collaboration.forms import AmountField
from encaisse.collaboration.models_disputes import DisputeReason, DisputeStatus
from encaisse.collaboration.selectors_disputes import AGES, DisputeFilters
from encaisse.collaboration.services_disputes import ANSWER_WITHIN
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money
from encaisse.ledger.models import Invoice

FINANCE = ""  # the owner field's value for "finance" (nobody in particular)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _owner_choices(people: Sequence[User]) -> list[tuple[str, str]]:
    return [
        (FINANCE, str(_("Finance"))),
        *((str(person.pk), person.get_full_name() or person.username) for person in people),
    ]


class ServiceErrorsMixin:
    """Show a service's "field: why" message next to that field."""

    FIELD_OF = {"due date": "due_on", "credit note": "credit_note", "invoices": "invoices"}

    def add_service_error(self, error: BadInput) -> None:
        field, sep, message = str(error).partition(": ")
        name = self.FIELD_OF.get(field, field)
        if sep and name in self.fields:  # type: ignore[attr-defined]
            self.add_error(name, message)  # type: ignore[attr-defined]
        else:
            self.add_error(None, str(error))  # type: ignore[attr-defined]


class DisputeOpenForm(ServiceErrorsMixin, forms.Form):
    invoices = forms.MultipleChoiceField(
        label=_("Disputed invoices"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose a reason…")), *DisputeReason.choices]
    )
    amount = AmountField(
        label=_("Disputed amount (empty: all that is open)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Answer due on"), required=False, widget=_date_input())
    note = forms.CharField(
        label=_("What the customer says"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        invoices: Sequence[Invoice],
        owners: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [  # type: ignore[attr-defined]
            (
                str(invoice.pk),
                f"{invoice.number} · {format_money(invoice.open_amount, invoice.currency)}",
            )
            for invoice in invoices
        ]
        self.fields["owner"].choices = _owner_choices(owners)  # type: ignore[attr-defined]
        self.owners = {str(person.pk): person for person in owners}
        self.invoices_by_id = {str(invoice.pk): invoice for invoice in invoices}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "invoices": [self.invoices_by_id[pk] for pk in data["invoices"]],
            "reason": data["reason"],
            "amount": data.get("amount"),
            "owner": self.owners.get(data.get("owner") or ""),
            "due_on": data.get("due_on"),
            "note": data.get("note") or "",
        }


class DisputeMoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            (DisputeStatus.INVESTIGATING, DisputeStatus.INVESTIGATING.label),
            (DisputeStatus.REJECTED, DisputeStatus.REJECTED.label),
            (DisputeStatus.WITHDRAWN, DisputeStatus.WITHDRAWN.label),
        ]
    )
    comment = forms.CharField(required=False, max_length=4000)


class DisputeAssignForm(ServiceErrorsMixin, forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Answer due on"), required=False, widget=_date_input())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)

    def __init__(self, *args: Any, owners: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _owner_choices(owners)  # type: ignore[attr-defined]
        self.owners = {str(person.pk): person for person in owners}

    def chosen_owner(self) -> User | None:
        return self.owners.get(self.cleaned_data.get("owner") or "")


class DisputeCreditNoteForm(ServiceErrorsMixin, forms.Form):
    credit_note = forms.ChoiceField(label=_("Credit note"), required=False)
    number = forms.CharField(label=_("or a new credit note: its number"), required=False)
    amount = AmountField(
        label=_("its amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)

    FIELD_OF = {**ServiceErrorsMixin.FIELD_OF, "amount": "amount"}

    def __init__(self, *args: Any, credit_notes: Sequence[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_note"].choices = [  # type: ignore[attr-defined]
            ("", _("A new credit note…")),
            *(
                (
                    str(note.pk),
                    f"{note.number} · {format_money(-note.open_amount, note.currency)}",
                )
                for note in credit_notes
            ),
        ]
        self.credit_notes = {str(note.pk): note for note in credit_notes}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "credit_note": self.credit_notes.get(data.get("credit_note") or ""),
            "number": data.get("number") or "",
            "amount": data.get("amount"),
            "comment": data.get("comment") or "",
        }


class DisputeCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisputeFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("active", _("Open or investigating")),
            ("closed", _("Closed")),
            ("all", _("All")),
            *DisputeStatus.choices,
        ],
    )
    reason = forms.ChoiceField(
        required=False, choices=[("", _("Every reason")), *DisputeReason.choices]
    )
    owner = forms.ChoiceField(required=False)
    age = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Any age")),
            ("lt30", _("Under 30 days")),
            ("30to60", _("30 to 60 days")),
            ("gt60", _("Over 60 days")),
        ],
    )

    def __init__(self, *args: Any, owners: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Every owner")),
            ("finance", _("Finance")),
            *((str(p.pk), p.get_full_name() or p.username) for p in owners),
        ]

    def filters(self) -> DisputeFilters:
        data = self.cleaned_data if self.is_valid() else {}
        age = data.get("age") or ""
        return DisputeFilters(
            status=data.get("status") or "active",
            reason=data.get("reason") or "",
            owner=data.get("owner") or "",
            age=age if age in AGES else "",
        )


def default_due_on(today: dt.date) -> dt.date:
    return today + ANSWER_WITHIN

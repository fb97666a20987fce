from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.core.errors import BadInput
from encaisse.webhooks.addresses import check_webhook_url
from encaisse.webhooks.catalogue import ALL_EVENTS, event_choices


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who receives it, e.g. “ERP orders”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where Encaisse POSTs the events (https:// recommended)."),
        widget=forms.URLInput(attrs={"class": "form-control", "placeholder": "https://"}),
    )
    every_event = forms.BooleanField(
        label=_("Every event, including those added later"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def clean_url(self) -> str:
        try:
            return check_webhook_url(self.cleaned_data["url"])
        except BadInput as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("every_event") and not data.get("events"):
            self.add_error("events", _("Choose at least one event, or every event."))
        return data

    def chosen_events(self) -> list[str]:
        if self.cleaned_data.get("every_event"):
            return [ALL_EVENTS]
        return list(self.cleaned_data.get("events") or [])

    @classmethod
    def initial_for(cls, events: list[str]) -> dict[str, Any]:
        if ALL_EVENTS in events:
            return {"every_event": True, "events": []}
        return {"every_event": False, "events": events}

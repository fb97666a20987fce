from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import NotificationDelivery


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or e-mail")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "class": "form-control"}
        )
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class PreferencesForm(forms.Form):
    """My preferences: the language, and how notifications reach me by e-mail."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    notification_delivery = forms.ChoiceField(
        label=_("Notifications by e-mail"),
        choices=NotificationDelivery.choices,
        widget=forms.RadioSelect,
        help_text=_("In the app, the bell shows every notification whatever you choose."),
    )

"""Form pieces every app uses."""

from __future__ import annotations

from typing import Any

from django import forms

from encaisse.core.errors import BadInput


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value travels as YYYY-MM-DD whatever the language: a
    French "29/11/2026" would leave the picker empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_error(form: forms.Form, error: BadInput) -> None:
    """A service's refusal next to the field it names (``BadInput.field``), else above the
    form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))

"""Form pieces every app uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from encaisse.core.errors import BadInput
from encaisse.core.i18n import Sentence


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value travels as YYYY-MM-DD whatever the language: a
    French "29/11/2026" would leave the picker empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def service_error_field(error: BadInput, names: Mapping[str, str] | None = None) -> str:
    """The field a service's refusal is about: ``BadInput.field`` when the service says it,
    else the name before the colon of its English sentence ("invoice: ..."; read from a
    ``core.i18n.sentence``'s msgid, so it holds whatever language the message is shown in),
    through ``names`` (the service's names to the form's)."""
    names = names or {}
    if error.field:
        return names.get(error.field, error.field)
    said = error.args[0] if error.args else ""
    english = said.msgid if isinstance(said, Sentence) else str(said)
    name, colon, _why = english.partition(": ")
    return names.get(name, name) if colon else ""


def add_service_error(
    form: forms.Form, error: BadInput, names: Mapping[str, str] | None = None
) -> None:
    """A service's refusal, whole, next to the field it is about (``service_error_field``),
    else above the form."""
    field = service_error_field(error, names)
    form.add_error(field if field in form.fields else None, str(error))

"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.core.errors import BadInput
from encaisse.imports.fields import Kind, Mapping, load_mapping
from encaisse.imports.file_kinds import file_kinds
from encaisse.imports.models import ImportKind

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # 1 GiB: a million invoice rows are under 100 MB
MAX_MAPPING_BYTES = 64 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (any separator, UTF-8 or Windows-1252) or Excel .xlsx; a FEC text file; "
            "a Factur-X PDF invoice"
        ),
        error_messages={"empty": _("The file is empty (0 bytes).")},
    )
    entity = forms.ChoiceField(label=_("Legal entity"), required=False)
    mapping = forms.FileField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_("A TOML file naming the file's columns; see the fields below."),
    )
    partial = forms.BooleanField(
        label=_("Import the good rows and set the rejected ones aside"),
        required=False,
        help_text=_("Otherwise one bad row and nothing is imported."),
    )
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms of the customers the file creates (days)"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_(
            "FEC and Factur-X: 30 by default. A FEC has no due dates: its new invoices are due "
            "that long after their issue date (or after their customer's own terms)."
        ),
    )
    create_missing = forms.BooleanField(
        label=_("Create the sales reps and agencies Encaisse does not know yet"),
        required=False,
        help_text=_("Otherwise the rows naming them are rejected."),
    )

    def __init__(self, *args: Any, entities: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101 (narrows the type)
        available = {kind.value for kind in Kind} | set(file_kinds())
        kind_field.choices = [(v, label) for v, label in ImportKind.choices if v in available]
        entity_field = self.fields["entity"]
        assert isinstance(entity_field, forms.ChoiceField)  # noqa: S101 (narrows the type)
        entity_field.choices = [(code, f"{code} · {name}") for code, name in entities]
        if len(entities) > 1:  # chosen on purpose, never the first in the list by default
            entity_field.choices = [("", _("Choose the company…")), *entity_field.choices]
            entity_field.required = True
        else:
            entity_field.widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 GB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["mapping_rules"] = Mapping()
        upload = data.get("mapping")
        mappable = {kind.value for kind in Kind} | {
            name for name, kind in file_kinds().items() if kind.mappable
        }
        if upload and data.get("kind") and data["kind"] not in mappable:
            self.add_error("mapping", _("A column mapping is only for CSV and Excel files."))
            return data
        if upload and data.get("kind"):
            if upload.size > MAX_MAPPING_BYTES:
                self.add_error("mapping", _("A mapping is a small text file (under 64 KB)."))
                return data
            try:
                text = upload.read().decode("utf-8-sig")
                data["mapping_rules"] = load_mapping(
                    text, kind=data["kind"], origin=upload.name or "mapping"
                )
            except UnicodeDecodeError:
                self.add_error("mapping", _("The mapping must be a UTF-8 text file."))
            except BadInput as error:
                self.add_error("mapping", str(error))
        return data

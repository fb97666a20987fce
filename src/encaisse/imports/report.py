"""An import's report as its reader reads it, in the active language.

An ImportRun keeps its message, notes and the reasons of its problems as plain data (core.i18n
sentences: a msgid and its values); they are translated here, when the page or the command
shows them. Reports kept before that are plain English text and are shown as they were.
How the file was read (``file_format``) is kept as codes ("semicolon", "comma (assumed)"...),
named here in the reader's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from encaisse.core.i18n import Text, from_data, sentence
from encaisse.imports.models import ImportRun
from encaisse.imports.rows import Problem


@dataclass(frozen=True)
class ImportReport:
    """What a run says: ``str()`` of its texts translates them into the active language."""

    message: Text
    notes: list[Text]
    problems: list[Problem]
    file_format: list[tuple[str, str]]  # (what, how the file has it), translated


def import_report(run: ImportRun) -> ImportReport:
    return ImportReport(
        message=from_data(run.message),
        notes=[from_data(note) for note in run.notes],
        problems=[Problem.from_dict(problem) for problem in run.problems],
        file_format=file_format_parts(run.file_format),
    )


_KEYS: dict[str, Promise] = {
    "format": _("format"),
    "encoding": _("encoding"),
    "separator": _("separator"),
    "decimal separator": _("decimal separator"),
    "dates": _("dates"),
    "sheet": _("sheet"),
    "account": _("account"),
    "entries": _("entries"),
    "amounts": _("amounts"),
    "profile": _("profile"),
}
_VALUES: dict[str, Promise] = {
    "UTF-8 with BOM": _("UTF-8 with BOM"),
    "Factur-X PDF": _("Factur-X PDF"),
    "tab": _("tab"),
    "semicolon": _("semicolon"),
    "comma": _("comma"),
    "pipe": _("pipe"),
    "point": _("point"),
    "comma (assumed)": _("comma (assumed)"),
    "point (assumed)": _("point (assumed)"),
    "Montant and Sens": _("Montant and Sens"),
}
_DATE_FORMS: dict[str, Promise] = {
    "yyyy-mm-dd": _("yyyy-mm-dd"),
    "dd/mm/yyyy": _("dd/mm/yyyy"),
    "dd/mm/yy": _("dd/mm/yy"),
    "yyyymmdd": _("yyyymmdd"),
}


def _shown(key: str, value: str) -> str:
    if key != "dates":
        return str(_VALUES.get(value, value))
    forms = [str(_DATE_FORMS.get(form, form)) for form in value.split(" and ")]
    shown = forms[0]
    for form in forms[1:]:
        shown = str(sentence("%(first)s and %(next)s", first=shown, next=form))
    return shown


def file_format_parts(detected: dict[str, str]) -> list[tuple[str, str]]:
    """How the file was read, as (what, how) pairs in the active language."""
    return [(str(_KEYS.get(key, key)), _shown(key, str(value))) for key, value in detected.items()]


def describe_format(detected: dict[str, str]) -> str:
    """'CSV, Windows-1252, semicolon-separated, decimal comma, dates dd/mm/yyyy' (the command)."""
    parts = []
    for key, value in detected.items():
        shown = _shown(key, str(value))
        if key in ("format", "encoding"):
            parts.append(shown)
        elif key == "separator":
            parts.append(str(sentence("%(separator)s-separated", separator=shown)))
        elif key == "decimal separator":
            parts.append(str(sentence("decimal %(separator)s", separator=shown)))
        else:
            parts.append(f"{_KEYS.get(key, key)} {shown}")
    return ", ".join(parts)

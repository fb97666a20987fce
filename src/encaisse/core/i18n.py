"""Sentences for a user, kept as plain data and translated when they are read.

A message that is stored and read later (an import's report) cannot be translated when it is
written: an upload is imported by a background job, and the same report is read in French by
finance and in English by an operator. Such a message is a ``Sentence``: its English msgid,
with named placeholders, and their values::

    row.problem("amount", sentence("below the %(amount)s already lettered", amount=lettered))
    raise BadInput(sentence_plural("%(count)s problem", "%(count)s problems", count))

``str(sentence)`` translates it into the active language. ``to_data`` gives the JSON the
database keeps, ``from_data`` reads it back; a plain string (a report stored before, or a
message that is not ours) stays as it is. ``makemessages`` finds the msgids given to ``sentence``
and ``sentence_plural`` (core's makemessages command adds them to xgettext's keywords).

Values are plain: text is shown as given (pass identifiers, row numbers and dates as text);
a whole number is a count, grouped as the language writes it (1,234 or 1 234); a Decimal is
an amount with two decimals, likewise; a Sentence (a reason inside a message) is translated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from django.utils.translation import gettext, ngettext

logger = logging.getLogger(__name__)

Value: TypeAlias = "str | int | Decimal | Sentence"


@dataclass(frozen=True)
class Sentence:
    """A sentence for a user: an English msgid with %(name)s placeholders and their values;
    with ``plural``, the form is chosen by ``count`` (ngettext)."""

    msgid: str
    values: tuple[tuple[str, Value], ...] = ()
    plural: str = ""
    count: int = 0

    def __str__(self) -> str:
        template = (
            ngettext(self.msgid, self.plural, self.count) if self.plural else gettext(self.msgid)
        )
        if not self.values:
            return template
        shown = {name: _shown(value) for name, value in self.values}
        try:
            return template % shown
        except (KeyError, ValueError, TypeError):  # a broken translation: sentence it in English
            logger.warning("translation of %r does not fit its values", self.msgid)
            english = self.plural if self.plural and self.count != 1 else self.msgid
            return english % shown


Text: TypeAlias = "str | Sentence"


def sentence(msgid: str, /, **values: Value) -> Sentence:
    """A sentence to translate when it is read: ``sentence("row %(row)s: ...", row="12")``."""
    return Sentence(msgid, tuple(values.items()))


def sentence_plural(singular: str, plural: str, count: int, /, **values: Value) -> Sentence:
    """A sentence with a singular and a plural form; ``count`` chooses it and is the value
    ``%(count)s`` unless ``values`` gives another."""
    return Sentence(singular, tuple({"count": count, **values}.items()), plural, count)


def text_of(error: BaseException) -> Text:
    """What an error says to a user: the Sentence it was raised with, or its text."""
    if error.args and isinstance(error.args[0], Sentence):
        return error.args[0]
    return str(error)


def _shown(value: Value) -> str:
    # Here, not at the top: core.money says its refusals with sentences.
    from encaisse.core.money import format_amount, format_number

    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, Decimal):
        return format_amount(value)
    return str(value)


# -- stored as JSON -------------------------------------------------------------------------


def to_data(text: Text) -> Any:
    """A message as the database keeps it (JSON): the sentence's parts, or the text."""
    if not isinstance(text, Sentence):
        return str(text)
    data: dict[str, Any] = {"msgid": text.msgid}
    if text.values:
        data["values"] = {name: _value_data(value) for name, value in text.values}
    if text.plural:
        data["plural"], data["count"] = text.plural, text.count
    return data


def from_data(data: Any) -> Text:
    """A stored message back: a Sentence, or a text as it was stored (older reports)."""
    if isinstance(data, dict) and isinstance(data.get("msgid"), str):
        values = data.get("values") or {}
        return Sentence(
            data["msgid"],
            tuple((str(name), _value_from(value)) for name, value in values.items()),
            str(data.get("plural") or ""),
            int(data.get("count") or 0),
        )
    return "" if data is None else str(data)


def _value_data(value: Value) -> Any:
    if isinstance(value, Sentence):
        return to_data(value)
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return str(value)


def _value_from(data: Any) -> Value:
    if isinstance(data, dict) and "decimal" in data:
        return Decimal(str(data["decimal"]))
    if isinstance(data, dict):
        return from_data(data)
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    return str(data)

"""Errors a user can read. Commands and views turn them into a message, never a traceback."""

from __future__ import annotations


class BadInput(ValueError):
    """Input a user gave that cannot be used; the message says which field and why.

    ``field``: the name of the form field at fault, when a service knows it, so that a form
    shows the message next to that field (``core.forms.add_service_error``) whatever the
    language the message is written in."""

    def __init__(self, *args: object, field: str = "") -> None:
        super().__init__(*args)
        self.field = field

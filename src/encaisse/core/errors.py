"""Errors a user can read. Commands and views turn them into a message, never a traceback."""


class BadInput(ValueError):
    """Input a user gave that cannot be used; the message says which field and why."""

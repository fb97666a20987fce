"""E-mail addresses: one rule, Django's own validator (the one behind every EmailField)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_EMAIL_LENGTH = 254  # what an EmailField stores, and what SMTP carries (RFC 5321)


def is_email_address(text: str) -> bool:
    """True when ``text`` is an e-mail address Django accepts and the ledger can store."""
    if len(text) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True

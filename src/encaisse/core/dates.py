"""Date helpers. Business dates are dates in the company's time zone, never datetimes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from encaisse.core.errors import BadInput


def today() -> dt.date:
    """Today's date in the configured time zone (the single place the clock is read)."""
    return timezone.localdate()


def parse_iso_date(value: str, *, field: str = "date") -> dt.date:
    """A YYYY-MM-DD date, or BadInput naming the field and the value."""
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise BadInput(f"{field}: {value!r} is not a date in the form YYYY-MM-DD") from None

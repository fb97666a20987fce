"""The structured creditor reference (ISO 11649, ``RF..``) each customer pays with.

Reminders, letters and their SEPA QR code carry it; a bank line that carries it back names
the customer with certainty. ``RF`` + two check digits + ``C`` + the customer's id: short,
unique, and read back without a lookup table. Pure: no Django.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

_FOUND = re.compile(r"RF\s?\d{2}(?:\s?[A-Z0-9]){1,21}", re.IGNORECASE)
_BODY = re.compile(r"C(\d{1,20})")


def creditor_reference(customer_id: int) -> str:
    """'RF47C1234' for customer 1234."""
    body = f"C{customer_id}"
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def customers_in(*texts: str) -> set[int]:
    """The customer ids whose valid creditor reference the texts carry (a bank's
    remittance information, spaces or not)."""
    found: set[int] = set()
    for text in texts:
        for match in _FOUND.finditer(text or ""):
            compact = iso11649.compact(match.group()).upper()
            # The bank may run the next words on: the longest valid prefix is the reference.
            for end in range(len(compact), 5, -1):
                body = _BODY.fullmatch(compact[4:end])
                if body and iso11649.is_valid(compact[:end]):
                    found.add(int(body.group(1)))
                    break
    return found

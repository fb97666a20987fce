"""Believable French identifiers for the demo company: SIREN/SIRET with their Luhn key, VAT
numbers, IBANs, names without accents where a bank writes them."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from stdnum import luhn


def ascii_text(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in flat.lower()).split())


def money_of_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def luhn_complete(digits: str) -> str:
    """``digits`` and the digit that makes the number pass the Luhn check (SIREN, SIRET)."""
    return digits + luhn.calc_check_digit(digits)


def vat_number(siren: str) -> str:
    """The French VAT number of a SIREN: FR, a two-digit key, the SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def french_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN with a valid RIB key and valid check digits."""
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    digits = "".join(str(int(char, 36)) for char in f"{bban}FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"

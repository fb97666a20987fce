"""Cells Encaisse writes into files people open in a spreadsheet."""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+(]?[\d\s.,\u00a0\u202f]*\d[\d\s.,\u00a0\u202f]*\)?\s*[€$£]?")


def safe_cell(text: str) -> str:
    """Defuse formula injection (a customer named '=HYPERLINK(...)') in a text cell.

    Plain numbers such as '-120,00' are left alone: they are data, not formulas.
    """
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text

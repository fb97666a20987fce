"""Money helpers: amounts are Decimal with two places, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def to_money(value: Decimal | int | str | None) -> Decimal:
    """A Decimal rounded to the cent; None counts as zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | int | str | None) -> str:
    """The machine form of an amount: '1234.50' (used by JSON and CSV exports)."""
    return format(to_money(value), "f")


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency, currency)

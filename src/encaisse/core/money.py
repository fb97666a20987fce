"""Money helpers: amounts are Decimal with two places, never float.

``format_money`` is the one way an amount is written for a reader (pages, e-mails, letters,
notifications): CLDR's pattern for the reader's language and the currency, through babel.
``money_str`` is the machine form (JSON, CSV). ``currency_code`` is the one check of a
currency read from a person or a file: a real ISO 4217 code (pycountry).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal
from django.utils.translation import get_language, to_locale

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_CURRENCY = "EUR"


def to_money(value: Decimal | int | str | None) -> Decimal:
    """A Decimal rounded to the cent; None counts as zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal | int | str | None) -> str:
    """The machine form of an amount: '1234.50' (used by JSON and CSV exports)."""
    return format(to_money(value), "f")


class UnknownCurrency(BadInput):
    """Not an ISO 4217 currency code."""


@lru_cache(maxsize=256)
def _iso_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def currency_code(text: str) -> str:
    """The ISO 4217 code of ``text`` ('eur' -> 'EUR'); UnknownCurrency when it is none."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha() or not _iso_currency(code):
        raise UnknownCurrency(
            sentence("not an ISO 4217 currency code (such as EUR, USD, GBP, CHF)")
        )
    return code


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    """The CLDR locale of a Django language code ('fr' -> fr, 'en-gb' -> en_GB)."""
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def reader_locale(language: str | None = None) -> Locale:
    """The locale of ``language``, else of the active Django language (English outside a
    request)."""
    return _locale(language or get_language() or "en")


def format_money(
    value: Decimal | int | str,
    currency: str = DEFAULT_CURRENCY,
    *,
    language: str | None = None,
) -> str:
    """An amount as a reader of ``language`` (default: the active language) writes it:
    '1 234,56 €' in French (narrow no-break space between thousands, no-break space before
    the symbol), '€1,234.56' in English, '-1 234,50 $US', '1 235 JPY' (the currency's own
    decimals). Any ISO 4217 code works; an unknown one is printed as it is."""
    amount = to_money(value)
    if not amount:
        amount = abs(amount)  # never '-0,00 €'
    return format_currency(
        amount, (currency or DEFAULT_CURRENCY).upper(), locale=reader_locale(language)
    )


def format_money_totals(totals: Mapping[str, Decimal], *, language: str | None = None) -> str:
    """Amounts in several currencies as one text: '€49.00 + $500.00' (zero euros when empty)."""
    return " + ".join(
        format_money(amount, currency, language=language) for currency, amount in totals.items()
    ) or format_money(ZERO, language=language)


def format_amount(value: Decimal | int | str, *, language: str | None = None) -> str:
    """An amount without its currency, as the reader writes it: '1 234,50' in French,
    '1,234.50' in English (in sentences that name the currency otherwise, or not at all)."""
    amount = to_money(value)
    amount = amount if amount else abs(amount)  # never '-0,00'
    return format_decimal(amount, format="#,##0.00", locale=reader_locale(language))


def format_number(value: Decimal | int | str, *, language: str | None = None) -> str:
    """A whole number grouped as the reader writes it: '1 234' in French, '1,234' in English
    (counts, and amounts in compact tables)."""
    whole = to_money(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return format_decimal(whole, locale=reader_locale(language))

"""Countries: ISO 3166 codes from pycountry, names in the reader's language from babel (CLDR).

``country_code`` is the one way a country given by a person or a file is read (customers'
imports, Factur-X invoices); ``country_name`` the one way it is shown.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache, lru_cache

import pycountry

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.core.money import reader_locale

# Not ISO 3166 nor CLDR, but what French ledgers write (and Greece's VAT prefix).
_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "grande bretagne": "GB",
    "angleterre": "GB",
    "england": "GB",
    "hollande": "NL",
    "turkey": "TR",  # Türkiye since 2022
    "el": "GR",
}


class UnknownCountry(BadInput):
    """Not an ISO 3166 code nor the name of a country."""


def _key(text: str) -> str:
    """'Pays-Bas' -> 'pays bas': lower case, no accents, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@cache
def _names() -> dict[str, str]:
    """Every name and code of each country (English and French, short and official) -> its
    alpha-2 code."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    index = dict(_ALIASES)
    for language in ("en", "fr"):
        for code, name in reader_locale(language).territories.items():
            if len(code) == 2:
                index.setdefault(_key(name), code)
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.alpha_2, country.alpha_3, country.name]
        names += [getattr(country, attribute, "") for attribute in ("official_name", "common_name")]
        names += [french.gettext(name) for name in names[2:] if name]
        for name in names:
            if name:
                index.setdefault(_key(name), code)
    codes = {country.alpha_2 for country in pycountry.countries}
    return {name: code for name, code in index.items() if code in codes}


@lru_cache(maxsize=1024)
def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by its code (FR, fr, FRA) or its name
    in English or French ('Germany', 'Allemagne', 'Royaume-Uni'); UnknownCountry otherwise."""
    code = _names().get(_key(text))
    if code is None:
        raise UnknownCountry(
            sentence(
                "not a country: give its ISO code (FR, BE, DE…) or its name in French or English"
            )
        )
    return code


def country_name(code: str, *, language: str | None = None) -> str:
    """The country's name in the reader's language ('Allemagne' for DE in French); an
    unknown code is shown as it is."""
    if pycountry.countries.get(alpha_2=code.upper()) is None:
        return code
    return str(reader_locale(language).territories.get(code.upper(), code))

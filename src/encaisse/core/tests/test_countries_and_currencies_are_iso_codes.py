"""Countries and currencies given by people and files are real ISO codes (pycountry), and a
country is shown by its name in the reader's language (babel)."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from encaisse.core.countries import UnknownCountry, country_code, country_name
from encaisse.core.money import UnknownCurrency, currency_code


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("FR", "FR"),
        ("be", "BE"),
        ("DEU", "DE"),
        ("France", "FR"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Royaume-Uni", "GB"),
        ("royaume uni", "GB"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Pays-Bas", "NL"),
        ("États-Unis", "US"),
        ("Etats Unis", "US"),
        ("Côte d\u2019Ivoire", "CI"),  # the apostrophe CLDR writes
        ("Suisse", "CH"),
        ("Espagne", "ES"),
        ("République tchèque", "CZ"),
        ("Czechia", "CZ"),
    ],
)
def test_a_country_is_read_from_its_code_or_its_french_or_english_name(given, code):
    assert country_code(given) == code


@pytest.mark.parametrize("given", ["XX", "ZZ", "EU", "Xanadu", "Fr ance", ""])
def test_an_unknown_country_is_refused_in_one_line(given):
    with pytest.raises(UnknownCountry, match=r"^not a country: give its ISO code"):
        country_code(given)


def test_the_refusal_is_in_the_reader_language():
    with override("fr"), pytest.raises(UnknownCountry, match="pas un pays"):
        country_code("Atlantide")


def test_a_country_is_shown_in_the_reader_language():
    assert country_name("DE", language="fr") == "Allemagne"
    assert country_name("DE", language="en") == "Germany"
    with override("fr"):
        assert country_name("gb") == "Royaume-Uni"
    assert country_name("ZZ") == "ZZ"  # not a country: as it is


@pytest.mark.parametrize(("given", "code"), [("EUR", "EUR"), ("usd", "USD"), (" chf ", "CHF")])
def test_a_currency_is_an_iso_4217_code(given, code):
    assert currency_code(given) == code


@pytest.mark.parametrize("given", ["XYZ", "EURO", "€", "EU", "", "E1R"])
def test_anything_else_is_not_a_currency(given):
    with pytest.raises(UnknownCurrency, match=r"^not an ISO 4217 currency code"):
        currency_code(given)

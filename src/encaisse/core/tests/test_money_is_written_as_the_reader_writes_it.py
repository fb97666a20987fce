"""Amounts for a reader: CLDR's pattern for the reader's language and the currency (babel)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override

from encaisse.core.money import format_amount, format_money, format_money_totals, format_number

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("fr", "1234.56", "EUR", f"1{NNBSP}234,56{NBSP}€"),
        ("en", "1234.56", "EUR", "€1,234.56"),
        ("fr", "-1234.5", "USD", f"-1{NNBSP}234,50{NBSP}$US"),
        ("en", "-1234.5", "USD", "-$1,234.50"),
        ("fr", "1234567.89", "GBP", f"1{NNBSP}234{NNBSP}567,89{NBSP}£GB"),
        ("en", "0", "CHF", "CHF0.00"),
        ("en", "1234", "JPY", "¥1,234"),  # the yen has no decimals
        ("en-gb", "12", "usd", "US$12.00"),
        ("fr", "12", "", f"12,00{NBSP}€"),  # no currency: euros
        ("fr", "-0.001", "EUR", f"0,00{NBSP}€"),  # never minus zero
    ],
)
def test_an_amount_reads_as_its_reader_writes_it(language, amount, currency, expected):
    assert format_money(Decimal(amount), currency, language=language) == expected


def test_without_a_language_the_active_one_is_used():
    with override("fr"):
        assert format_money(Decimal("1000")) == f"1{NNBSP}000,00{NBSP}€"
    with override("en"):
        assert format_money(Decimal("1000")) == "€1,000.00"


def test_totals_in_several_currencies_are_added_up_in_words():
    totals = {"EUR": Decimal("49"), "USD": Decimal("500")}
    assert format_money_totals(totals, language="en") == "€49.00 + $500.00"
    assert format_money_totals({}, language="fr") == f"0,00{NBSP}€"


def test_counts_are_grouped_like_amounts():
    assert format_number(1234567, language="fr") == f"1{NNBSP}234{NNBSP}567"
    assert format_number(Decimal("1234.5"), language="en") == "1,235"


def test_the_template_filters_use_the_same_function():
    template = Template("{{ value|money:currency }}|{{ value|amount }}|{{ none|money }}")
    with override("fr"):
        text = template.render(Context({"value": Decimal("2500"), "currency": "EUR", "none": None}))
    assert text == f"2{NNBSP}500,00{NBSP}€|2{NNBSP}500|"


def test_an_amount_without_its_currency_keeps_two_decimals():
    assert format_amount(Decimal("1234.5"), language="fr") == f"1{NNBSP}234,50"
    assert format_amount(Decimal("-1234567.891"), language="en") == "-1,234,567.89"
    assert format_amount(Decimal("-0.001"), language="en") == "0.00"

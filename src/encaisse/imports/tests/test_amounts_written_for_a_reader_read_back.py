"""What Encaisse writes for a reader (``format_money``) an import reads back, to the cent."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.money import format_money
from encaisse.imports.values import MAX_AMOUNT, MoneyReader

amounts = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2)


@given(amount=amounts, language=st.sampled_from(["fr", "en", "en-gb"]))
def test_an_amount_in_euros_reads_back_the_same(amount, language):
    written = format_money(amount, "EUR", language=language)
    reader = MoneyReader(None, default="," if language == "fr" else ".")
    assert reader(written) == amount


@given(amount=amounts, currency=st.sampled_from(["GBP", "CHF"]))
def test_pounds_and_francs_written_in_english_read_back(amount, currency):
    assert MoneyReader(None)(format_money(amount, currency, language="en")) == amount


def test_a_french_excel_amount_and_ours_are_the_same_number():
    ours = format_money(Decimal("1234.5"), "EUR", language="fr")  # narrow no-break space
    excel = "1\u00a0234,50 €"  # what French Excel writes
    reader = MoneyReader(None, default=",")
    assert reader(ours) == reader(excel) == Decimal("1234.50")

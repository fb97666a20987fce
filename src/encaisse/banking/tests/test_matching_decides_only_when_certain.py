"""The bank matching decision (banking.matching.decide), tested directly: pure, no database.
It letters only what is certain and never more than a credit brings or an invoice has open;
everything else goes to finance's queue, with the customer when it is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.banking.matching import (
    CREDITOR_REFERENCE,
    IBAN_AMOUNT,
    INVOICE_NUMBERS,
    NAME_AMOUNT,
    OpenInvoice,
    decide,
    invoice_number_candidates,
    normalize_name,
)

DUE = dt.date(2026, 3, 31)


def invoice(pk: int, amount: str, *, customer: int = 1, due: dt.date = DUE, currency="EUR"):
    return OpenInvoice(pk, customer, f"FA{pk:04d}", Decimal(amount), currency, due)


def ask(amount: str, **kwargs):
    defaults = {"named": (), "iban_customers": (), "name_customers": (), "open_invoices": {}}
    return decide(amount=Decimal(amount), currency="EUR", **{**defaults, **kwargs})


def test_named_invoices_paid_exactly_are_lettered():
    named = [invoice(1, "100.00"), invoice(2, "50.00")]
    decision = ask("150.00", named=named)
    assert decision.method == INVOICE_NUMBERS
    assert decision.allocations == ((1, Decimal("100.00")), (2, Decimal("50.00")))


def test_part_of_the_only_named_invoice_is_lettered():
    decision = ask("40.00", named=[invoice(1, "100.00")])
    assert decision.allocations == ((1, Decimal("40.00")),)


def test_part_of_several_named_invoices_is_not_guessed():
    decision = ask("120.00", named=[invoice(1, "100.00"), invoice(2, "50.00")])
    assert (decision.customer_id, decision.allocations) == (1, ())


def test_more_than_the_named_invoice_is_not_guessed():
    assert ask("140.00", named=[invoice(1, "100.00")]).allocations == ()


def test_named_invoices_of_two_customers_are_not_guessed():
    named = [invoice(1, "100.00"), invoice(2, "50.00", customer=2)]
    decision = ask("150.00", named=named, iban_customers=[2])
    assert (decision.customer_id, decision.allocations) == (2, ())  # known by its IBAN


def test_a_named_invoice_in_another_currency_is_not_paid_by_euros():
    decision = ask("100.00", named=[invoice(1, "100.00", currency="USD")])
    assert decision.allocations == ()


def test_the_creditor_reference_settles_oldest_first_and_keeps_the_rest_unallocated():
    invoices = [invoice(2, "80.00", due=dt.date(2026, 4, 30)), invoice(1, "100.00")]
    decision = ask("150.00", reference_customers=[1], open_invoices={1: invoices})
    assert decision.method == CREDITOR_REFERENCE
    assert decision.allocations == ((1, Decimal("100.00")), (2, Decimal("50.00")))


def test_a_known_iban_and_one_invoice_of_that_amount_are_lettered():
    invoices = [invoice(1, "100.00"), invoice(2, "75.00")]
    decision = ask("75.00", iban_customers=[1], open_invoices={1: invoices})
    assert (decision.method, decision.allocations) == (IBAN_AMOUNT, ((2, Decimal("75.00")),))


def test_two_invoices_of_that_amount_are_not_guessed():
    invoices = [invoice(1, "75.00"), invoice(2, "75.00")]
    decision = ask("75.00", name_customers=[1], open_invoices={1: invoices})
    assert (decision.customer_id, decision.method, decision.allocations) == (1, "", ())


def test_the_exact_name_finds_the_customer_when_no_iban_does():
    decision = ask("75.00", name_customers=[1], open_invoices={1: [invoice(1, "75.00")]})
    assert decision.method == NAME_AMOUNT


def test_two_customers_with_the_iban_are_not_guessed():
    decision = ask("75.00", iban_customers=[1, 2], open_invoices={1: [invoice(1, "75.00")]})
    assert decision.customer_id is None
    assert decision.allocations == ()


def test_names_compare_without_accents_case_or_legal_form():
    assert normalize_name("Boulangerie Lefèvre S.A.R.L.") == "BOULANGERIE LEFEVRE"
    assert normalize_name("BOULANGERIE LEFEVRE SARL") == "BOULANGERIE LEFEVRE"
    assert normalize_name("SAS") == "SAS"  # nothing but a legal form: kept


def test_an_invoice_number_cut_by_the_banks_line_wrap_is_found():
    assert "FA2026-0042" in invoice_number_candidates("VIR SEPA FA2026-00\n42 MERCI")
    assert invoice_number_candidates("PAIEMENT FACTURES") == set()


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)


@settings(max_examples=300, deadline=None)
@given(
    credit=amounts,
    opens=st.lists(amounts, min_size=1, max_size=6),
    named_count=st.integers(0, 3),
    by_reference=st.booleans(),
)
def test_never_more_than_the_credit_brings_or_an_invoice_has_open(
    credit, opens, named_count, by_reference
):
    invoices = [invoice(pk, str(amount)) for pk, amount in enumerate(opens, start=1)]
    decision = decide(
        amount=credit,
        currency="EUR",
        named=invoices[:named_count],
        iban_customers=[1],
        name_customers=[],
        open_invoices={1: invoices},
        reference_customers=[1] if by_reference else [],
    )
    open_by_pk = {i.pk: i.open_amount for i in invoices}
    assert sum((amount for _pk, amount in decision.allocations), Decimal(0)) <= credit
    for pk, amount in decision.allocations:
        assert 0 < amount <= open_by_pk[pk]
    assert len({pk for pk, _a in decision.allocations}) == len(decision.allocations)
    assert bool(decision.allocations) == bool(decision.method)

"""No invoice number: a known IBAN or the exact name, and one open invoice of that amount."""

from __future__ import annotations

from decimal import Decimal

from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import BELLEVILLE_IBAN, entry, import_bank
from encaisse.ledger.models import Invoice


def test_a_known_iban_and_the_amount_of_one_open_invoice_letter_it(ledger, camt):
    CustomerIban.objects.create(customer=ledger["C001"], iban=BELLEVILLE_IBAN)
    import_bank(camt(entry("1014.56", name="LBV", iban=BELLEVILLE_IBAN, text="PAIEMENT")))
    line = BankLine.objects.get()
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.IBAN_AMOUNT)
    assert line.payment.allocations.get().invoice.number == "FA-2026-0102"


def test_the_exact_name_whatever_its_accents_case_and_legal_form_letters_too(ledger, camt):
    import_bank(camt(entry("4500.00", name="BOULANGERIES DU LYONNAIS S.A.S.", text="MARS")))
    line = BankLine.objects.get()
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.NAME_AMOUNT)
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == 0


def test_a_known_customer_without_an_invoice_of_that_amount_waits_with_its_payment(ledger, camt):
    CustomerIban.objects.create(customer=ledger["C001"], iban=BELLEVILLE_IBAN)
    import_bank(camt(entry("500.00", name="LBV", iban=BELLEVILLE_IBAN)))
    line = BankLine.objects.get()
    assert line.status == LineStatus.TO_RECONCILE
    assert (line.payment.customer, line.payment.unallocated_amount) == (
        ledger["C001"], Decimal("500.00"),
    )  # fmt: skip


def test_an_iban_several_customers_paid_from_names_none(ledger, camt):
    for code in ("C001", "C004"):
        CustomerIban.objects.create(customer=ledger[code], iban=BELLEVILLE_IBAN)
    import_bank(camt(entry("780.00", name="HOLDING", iban=BELLEVILLE_IBAN)))
    line = BankLine.objects.get()
    assert (line.status, line.payment) == (LineStatus.TO_RECONCILE, None)

"""A transfer naming its invoices is lettered to them, when the amount says the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import BELLEVILLE_IBAN, CAMT, entry, import_bank
from encaisse.ledger.models import Invoice, Payment


def test_a_transfer_naming_two_invoices_for_their_total_settles_both(ledger):
    import_bank(CAMT)
    line = BankLine.objects.get(bank_reference="0503260001234567")
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.INVOICE_NUMBERS)
    payment = line.payment
    assert (payment.customer, payment.reference, payment.amount) == (
        ledger["C001"], "0503260001234567", Decimal("2214.56"),
    )  # fmt: skip
    assert payment.date == dt.date(2026, 3, 5)
    assert payment.unallocated_amount == 0
    for number in ("FA-2026-0101", "FA-2026-0102"):
        invoice = Invoice.objects.get(number=number)
        assert (invoice.open_amount, invoice.settled_on) == (0, dt.date(2026, 3, 5))
    # The sender's IBAN is remembered for the next transfer.
    assert CustomerIban.objects.get(iban=BELLEVILLE_IBAN).customer == ledger["C001"]


def test_a_part_payment_of_the_only_invoice_named_is_lettered_for_its_amount(ledger):
    import_bank(CAMT)
    line = BankLine.objects.get(bank_reference="0503260001234568")
    assert line.match_method == MatchMethod.INVOICE_NUMBERS
    invoice = Invoice.objects.get(number="FA-2026-0110")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("2700.00"), None)


def test_an_amount_other_than_the_named_invoices_waits_for_finance(ledger, camt):
    import_bank(
        camt(entry("1300.00", name="LOGISTIQUE BELLEVILLE", text="FA-2026-0101 FA-2026-0102"))
    )
    line = BankLine.objects.get()
    assert line.status == LineStatus.TO_RECONCILE
    # The customer is certain (its invoices are named): its payment is recorded, not lettered.
    assert (line.payment.customer, line.payment.unallocated_amount) == (
        ledger["C001"], Decimal("1300.00"),
    )  # fmt: skip
    assert Invoice.objects.get(number="FA-2026-0101").open_amount == Decimal("1200.00")


def test_invoices_of_two_customers_named_in_one_transfer_are_not_guessed(ledger, camt):
    import_bank(camt(entry("5700.00", name="GROUPE", text="FA-2026-0101 FA-2026-0110")))
    line = BankLine.objects.get()
    assert (line.status, line.payment) == (LineStatus.TO_RECONCILE, None)
    assert not Payment.objects.exists()


def test_two_transfers_for_one_invoice_letter_it_once(ledger, camt):
    import_bank(
        camt(
            entry("780.00", text="FA-2026-0130", reference="R1"),
            entry("780.00", text="FA-2026-0130", reference="R2"),
        )
    )
    first, second = BankLine.objects.order_by("bank_reference")
    assert first.status == LineStatus.MATCHED
    assert second.status == LineStatus.TO_RECONCILE  # the invoice was settled by the first
    assert Invoice.objects.get(number="FA-2026-0130").open_amount == 0

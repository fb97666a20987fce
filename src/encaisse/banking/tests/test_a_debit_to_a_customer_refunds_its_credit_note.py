"""A debit that pays a customer's credit note back is a refund: recorded as a negative
payment settling that credit note, when it is certain. Other debits stay aside."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.banking.tests.conftest import BELLEVILLE_IBAN, entry, import_bank
from encaisse.ledger.models import Invoice, Payment
from encaisse.ledger.tests.factories import CreditNoteFactory


def credit_note(customer, number: str, amount: str) -> Invoice:
    return CreditNoteFactory(
        customer=customer, number=number, amount=Decimal(amount), issue_date=dt.date(2026, 2, 20)
    )


def test_a_debit_naming_a_credit_note_refunds_it(ledger, camt):
    credit_note(ledger["C002"], "AV-2026-0007", "-250.00")
    result = import_bank(camt(entry("250.00", indicator="DBIT", name="BDL", text="AV-2026-0007")))
    assert result.ok, result.problems
    line = BankLine.objects.get()
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.REFUND)
    refund = line.payment
    assert (refund.amount, refund.customer, refund.is_refund) == (
        Decimal("-250.00"),
        ledger["C002"],
        True,
    )
    note = Invoice.objects.get(number="AV-2026-0007")
    assert (note.open_amount, note.settled_on) == (Decimal("0.00"), dt.date(2026, 3, 5))
    assert "refund" in result.message or any("refund" in n for n in result.notes)


def test_a_debit_to_a_known_iban_with_one_credit_note_of_that_amount_refunds_it(ledger, camt):
    CustomerIban.objects.create(customer=ledger["C001"], iban=BELLEVILLE_IBAN)
    credit_note(ledger["C001"], "AV-1", "-99.90")
    credit_note(ledger["C001"], "AV-2", "-15.00")
    import_bank(camt(entry("99.90", indicator="DBIT", name="LBV", iban=BELLEVILLE_IBAN)))
    assert BankLine.objects.get().match_method == MatchMethod.REFUND
    assert Invoice.objects.get(number="AV-1").open_amount == Decimal("0.00")
    assert Invoice.objects.get(number="AV-2").open_amount == Decimal("-15.00")


def test_other_debits_stay_aside(ledger, camt):
    credit_note(ledger["C001"], "AV-1", "-99.90")
    import_bank(camt(entry("99.90", indicator="DBIT", name="FOURNISSEUR", text="FACT 123")))
    line = BankLine.objects.get()
    assert (line.status, line.match_method) == (LineStatus.IGNORED, MatchMethod.DEBIT)
    assert not Payment.objects.exists()

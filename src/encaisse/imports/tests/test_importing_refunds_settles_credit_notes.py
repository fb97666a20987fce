"""A negative payment is a refund: money paid back to the customer. It is accepted
unallocated or lettered to the credit note it pays back; the customer page and timeline
call it a refund (the aged balance: reporting/tests/test_aged_balance_counts_refunds.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.models import ImportStatus
from encaisse.imports.tests.conftest import run
from encaisse.ledger.models import Allocation, Invoice, Payment
from encaisse.ledger.tests.factories import CreditNoteFactory

HEADER = "Référence règlement;Code client;N° facture;Date règlement;Montant\n"


def credit_note(customer, number="AV-1", amount="-200.00"):
    return CreditNoteFactory(
        customer=customer, number=number, amount=Decimal(amount), issue_date=dt.date(2026, 2, 1)
    )


def test_a_refund_settles_the_credit_note_it_pays_back(portfolios, write_file):
    customer = portfolios["remi1"]
    credit_note(customer)
    data = HEADER + "REMB-1;REMI-1;AV-1;15/02/2026;-200,00\n"
    result = run("payments", write_file("remboursements.csv", data))
    assert result.ok, result.problems
    note = Invoice.objects.get(number="AV-1")
    assert (note.open_amount, note.settled_on) == (Decimal("0.00"), dt.date(2026, 2, 15))
    refund = Payment.objects.get(reference="REMB-1")
    assert refund.is_refund
    assert (refund.amount, refund.unallocated_amount) == (Decimal("-200.00"), Decimal("0.00"))
    assert Allocation.objects.get().amount == Decimal("-200.00")
    again = run("payments", write_file("remboursements.csv", data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Allocation.objects.count() == 1


def test_a_refund_larger_than_the_credit_note_keeps_the_rest_unallocated(portfolios, write_file):
    credit_note(portfolios["remi1"], amount="-150.00")
    data = HEADER + "REMB-1;REMI-1;AV-1;15/02/2026;-200\n"
    assert run("payments", write_file("r.csv", data)).ok
    refund = Payment.objects.get(reference="REMB-1")
    assert refund.unallocated_amount == Decimal("-50.00")
    assert Invoice.objects.get(number="AV-1").open_amount == Decimal("0.00")


def test_a_refund_cannot_settle_an_invoice_nor_a_payment_a_credit_note(portfolios, write_file):
    credit_note(portfolios["remi1"])
    data = HEADER + "REMB-1;REMI-1;F-remi-1;15/02/2026;-200\nVIR-1;REMI-1;AV-1;15/02/2026;200\n"
    result = run("payments", write_file("r.csv", data))
    assert result.status == ImportStatus.FAILED
    assert [(p.row, p.reason) for p in result.problems] == [
        (2, "a refund settles a credit note, this is an invoice"),
        (3, "a credit note: a refund to it is negative"),
    ]
    assert not Payment.objects.exists()


def test_the_customer_page_and_timeline_call_it_a_refund(client, portfolios, write_file, rep_remi):
    customer = portfolios["remi1"]
    credit_note(customer)
    assert run("payments", write_file("r.csv", HEADER + "REMB-1;REMI-1;AV-1;15/02/2026;-200\n")).ok
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="refund"' in page
    assert "Refund paid to the customer" in page

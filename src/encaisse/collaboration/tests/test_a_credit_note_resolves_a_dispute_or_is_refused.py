"""Resolving a dispute by a credit note: an existing one of the customer, or one recorded
from its number and amount, is lettered against the disputed invoices; a credit note of
another customer, a number already used or an amount above what is open is refused, and
nothing changes (no status, no credit note, no lettering)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Dispute, DisputeEvent, DisputeStatus
from encaisse.collaboration.services_disputes import open_dispute, resolve_dispute_by_credit_note
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Allocation, Invoice, InvoiceKind
from encaisse.ledger.tests.factories import CreditNoteFactory, InvoiceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def dispute(portfolios):
    customer = portfolios["remi1"]
    InvoiceFactory(customer=customer, number="F-remi-1b", due_date=dt.date(2026, 2, 20))
    return open_dispute(
        customer=customer, invoices=list(customer.invoices.all()), reason="price", opened_on=TODAY
    )


def _unchanged(dispute):
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.credit_note is None
    assert not Allocation.objects.exists()
    assert DisputeEvent.objects.count() == 1  # its opening only


def test_an_existing_credit_note_is_lettered_oldest_invoice_first(dispute, finance_fanny):
    credit = CreditNoteFactory(customer=dispute.customer, number="AV-7", amount="-1200.00")
    resolve_dispute_by_credit_note(dispute=dispute, by=finance_fanny, on=TODAY, credit_note=credit)
    open_amounts = dict(dispute.invoices.values_list("number", "open_amount"))
    assert open_amounts == {"F-remi-1": Decimal("0.00"), "F-remi-1b": Decimal("800.00")}
    assert Dispute.objects.get().credit_note == credit


def test_a_new_credit_note_is_recorded_in_the_ledger(dispute, finance_fanny):
    resolve_dispute_by_credit_note(
        dispute=dispute, by=finance_fanny, on=TODAY, number="AV-8", amount=Decimal("150")
    )
    credit = Invoice.objects.get(number="AV-8")
    assert (credit.kind, credit.amount, credit.customer) == (
        InvoiceKind.CREDIT_NOTE,
        Decimal("-150.00"),
        dispute.customer,
    )
    assert credit.open_amount == Decimal("0.00")  # all of it lettered


def test_a_credit_note_of_another_customer_is_refused(dispute, finance_fanny, portfolios):
    foreign = CreditNoteFactory(customer=portfolios["paul1"], number="AV-P")
    with pytest.raises(BadInput, match=r"^credit note: AV-P is not a credit note of"):
        resolve_dispute_by_credit_note(
            dispute=dispute, by=finance_fanny, on=TODAY, credit_note=foreign
        )
    _unchanged(dispute)


def test_a_number_already_used_or_an_amount_above_what_is_open_is_refused(dispute, finance_fanny):
    with pytest.raises(BadInput, match=r"^credit note: the number F-remi-1b is already used"):
        resolve_dispute_by_credit_note(
            dispute=dispute, by=finance_fanny, on=TODAY, number="F-remi-1b", amount=Decimal("5")
        )
    with pytest.raises(BadInput, match=r"^amount: "):
        resolve_dispute_by_credit_note(
            dispute=dispute, by=finance_fanny, on=TODAY, number="AV-9", amount=Decimal("2000.01")
        )
    with pytest.raises(BadInput, match=r"^credit note: choose"):
        resolve_dispute_by_credit_note(dispute=dispute, by=finance_fanny, on=TODAY)
    _unchanged(dispute)
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()


def test_the_page_shows_the_refusal_next_to_the_field_and_the_dispute_as_it_is(
    client, dispute, finance_fanny
):
    client.force_login(finance_fanny)
    response = client.post(
        f"/disputes/{dispute.pk}/credit-note/", {"number": "AV-9", "amount": "5000"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is more than the" in page
    assert 'data-status="open"' in page
    _unchanged(dispute)


def test_a_credit_note_the_ledger_cannot_letter_leaves_the_dispute_open(dispute, finance_fanny):
    dollars = CreditNoteFactory(customer=dispute.customer, number="AV-USD", currency="USD")
    with pytest.raises(BadInput, match="currencies differ"):
        resolve_dispute_by_credit_note(
            dispute=dispute, by=finance_fanny, on=TODAY, credit_note=dollars
        )
    _unchanged(dispute)

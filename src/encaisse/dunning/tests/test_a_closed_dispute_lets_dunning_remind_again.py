"""An open or investigated dispute pauses its invoices whole, even when it contests part of
them; once it is resolved by a credit note, dunning reminds of what the credit note left
open; rejected or withdrawn, the next run reminds of the invoices again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.services_disputes import (
    open_dispute,
    reject_dispute,
    resolve_dispute_by_credit_note,
    start_investigation,
    withdraw_dispute,
)
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

OPENED = dt.date(2026, 3, 1)


@pytest.fixture
def sme(shipped_scenarios, entity):
    customer = CustomerFactory(entity=entity, segment="sme", external_id="SME-1")
    for number, due in (("FA-1", dt.date(2026, 3, 5)), ("FA-2", dt.date(2026, 3, 10))):
        InvoiceFactory(
            customer=customer,
            number=number,
            issue_date=dt.date(2026, 2, 1),
            due_date=due,
            amount=Decimal("1000.00"),
        )
    return customer


def reminded(day: dt.date) -> dict[str, str]:
    """What the run of ``day`` reminds: invoice number → the open amount it asks for."""
    return {
        number: str(amount)
        for line in execute_dunning_run(as_of=day).actions
        for number, _days, amount in line.invoices
    }


@pytest.fixture
def fa1_in_dispute(sme, finance_fanny):
    """FA-1 contested for 300 € of its 1 000 €, and under investigation."""
    dispute = open_dispute(
        customer=sme,
        invoices=[sme.invoices.get(number="FA-1")],
        reason="price",
        opened_on=OPENED,
        amount=Decimal("300"),
    )
    return start_investigation(dispute=dispute, by=finance_fanny, on=OPENED)


def test_a_partly_disputed_invoice_is_paused_whole_while_the_dispute_is_active(fa1_in_dispute):
    assert reminded(dt.date(2026, 3, 20)) == {"FA-2": "1000.00"}


def test_after_a_credit_note_dunning_reminds_of_what_is_still_open(fa1_in_dispute, finance_fanny):
    assert reminded(dt.date(2026, 3, 20)) == {"FA-2": "1000.00"}
    resolve_dispute_by_credit_note(
        dispute=fa1_in_dispute,
        by=finance_fanny,
        on=dt.date(2026, 3, 21),
        number="AV-1",
        amount=Decimal("300"),
    )
    fa1 = fa1_in_dispute.invoices.get()
    assert fa1.open_amount == Decimal("700.00")
    assert fa1_in_dispute.credit_note.number == "AV-1"
    assert reminded(dt.date(2026, 3, 22)) == {"FA-1": "700.00"}


@pytest.mark.parametrize("close", [reject_dispute, withdraw_dispute])
def test_a_rejected_or_withdrawn_dispute_is_reminded_again(fa1_in_dispute, finance_fanny, close):
    assert reminded(dt.date(2026, 3, 20)) == {"FA-2": "1000.00"}
    close(dispute=fa1_in_dispute, by=finance_fanny, on=dt.date(2026, 3, 21), comment="Prix dû")
    assert reminded(dt.date(2026, 3, 22)) == {"FA-1": "1000.00"}

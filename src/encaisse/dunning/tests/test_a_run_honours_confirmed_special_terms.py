"""A run honours the special terms finance confirmed: nothing goes out before an agreed due
date, and under an instalment plan only the late instalment is reminded, for its amount.
Terms still to confirm, or refused, change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.terms import Instalment, decide_terms, propose_terms
from encaisse.dunning.models import ActionItem, DunningAction
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

ISSUED = dt.date(2026, 2, 1)
DUE = dt.date(2026, 3, 5)  # reminder_1 (small customers) goes out 7 days later


@pytest.fixture
def invoice(shipped_scenarios, entity, rep_remi):
    customer = CustomerFactory(entity=entity, segment="sme", sales_rep=rep_remi)
    return InvoiceFactory(
        customer=customer, number="FT-1", issue_date=ISSUED, due_date=DUE, amount=Decimal("900")
    )


def agree(on, rep, finance=None, **terms):
    proposed = propose_terms(customer=on.customer, proposed_by=rep, today=ISSUED, **terms)
    if finance is not None:
        decide_terms(terms=proposed, decided_by=finance, confirm=True)
    return proposed


def planned(on):
    execute_dunning_run(as_of=on)
    return [
        (action.step.key, action.amount)
        for action in DunningAction.objects.filter(planned_for=on).select_related("step")
    ]


def test_with_a_confirmed_longer_due_date_nothing_goes_out_before_it(
    invoice, rep_remi, finance_fanny
):
    agree(
        invoice,
        rep_remi,
        finance_fanny,
        kind="extended_due_date",
        invoice=invoice,
        new_due_date=dt.date(2026, 4, 30),
    )
    day = DUE
    while day < dt.date(2026, 4, 25):  # the courtesy e-mail, five days before the new date
        assert planned(day) == [], day
        day += dt.timedelta(days=7)
    assert planned(dt.date(2026, 5, 7)) == [("reminder_1", Decimal("900.00"))]


def test_a_customer_wide_extension_moves_the_invoices_issued_since(
    invoice, rep_remi, finance_fanny
):
    agree(
        invoice,
        rep_remi,
        finance_fanny,
        kind="extended_due_date",
        applies_from=dt.date(2026, 1, 1),
        extra_days=30,
    )
    assert planned(dt.date(2026, 3, 20)) == []
    assert planned(dt.date(2026, 4, 11)) == [("reminder_1", Decimal("900.00"))]


def test_with_an_instalment_plan_only_the_late_instalment_is_reminded(
    invoice, rep_remi, finance_fanny
):
    agree(
        invoice,
        rep_remi,
        finance_fanny,
        kind="instalments",
        invoice=invoice,
        instalments=[
            Instalment(DUE, Decimal("300")),
            Instalment(dt.date(2026, 4, 5), Decimal("300")),
            Instalment(dt.date(2026, 5, 5), Decimal("300")),
        ],
    )
    assert planned(dt.date(2026, 3, 12)) == [("reminder_1", Decimal("300.00"))]
    item = ActionItem.objects.get()
    assert (item.invoice, item.open_amount, item.days_past_due) == (invoice, Decimal("300"), 7)


@pytest.mark.parametrize("decision", ["proposed", "refused"])
def test_terms_not_confirmed_change_nothing(invoice, rep_remi, finance_fanny, decision):
    terms = agree(invoice, rep_remi, kind="extended_due_date", invoice=invoice, extra_days=60)
    if decision == "refused":
        decide_terms(terms=terms, decided_by=finance_fanny, confirm=False, note="No")
    assert planned(dt.date(2026, 3, 12)) == [("reminder_1", Decimal("900.00"))]

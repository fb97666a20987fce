"""Special terms on the customer's timeline: proposed by whom, then confirmed or refused by
whom, each once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.collaboration.terms import decide_terms, propose_terms
from encaisse.dunning.timeline import customer_timeline
from encaisse.ledger.tests.factories import InvoiceFactory


def test_terms_proposed_confirmed_and_refused_appear_once_each(
    client, portfolios, rep_remi, finance_fanny
):
    customer = portfolios["remi1"]
    invoice = InvoiceFactory(
        customer=customer, number="F-TL-1", issue_date=dt.date(2026, 2, 1), amount=Decimal(500)
    )
    longer = propose_terms(
        customer=customer,
        proposed_by=rep_remi,
        today=dt.date(2026, 2, 2),
        kind="extended_due_date",
        invoice=invoice,
        extra_days=30,
    )
    decide_terms(terms=longer, decided_by=finance_fanny, confirm=True)
    discount = propose_terms(
        customer=customer,
        proposed_by=rep_remi,
        today=dt.date(2026, 2, 2),
        kind="discount",
        discount_percent=Decimal("3"),
    )
    decide_terms(terms=discount, decided_by=finance_fanny, confirm=False, note="Pas de remise")

    titles = [(e.title, e.by) for e in customer_timeline(customer) if e.kind == "terms"]
    assert sorted(titles) == sorted(
        [
            ("Special terms proposed: Longer due date", "Rémi Commercial"),
            ("Special terms confirmed: Longer due date", "Fanny Finance"),
            ("Special terms proposed: Discount", "Rémi Commercial"),
            ("Special terms refused: Discount", "Fanny Finance"),
        ]
    )
    refused = next(e for e in customer_timeline(customer) if "refused" in e.title)
    assert refused.detail == "Pas de remise"

    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert page.count("Special terms confirmed: Longer due date") == 1
    assert "due 30 days later" in page

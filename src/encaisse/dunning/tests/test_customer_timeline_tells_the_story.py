"""The customer page's timeline: payments, reminders, holds and decisions, disputes, promises."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import time_machine

from encaisse.collaboration.services import open_dispute, record_promise
from encaisse.dunning.services.decisions import decide_hold, request_hold
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.dunning.timeline import customer_timeline
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=PARIS), tick=False)
def test_the_timeline_shows_what_everyone_did_newest_first(
    client, dunning_ready, rep_remi, finance_fanny, lyon
):
    customer = CustomerFactory(
        entity=dunning_ready, segment="sme", sales_rep=rep_remi, agency=lyon, name="Garage Rémi"
    )
    late = InvoiceFactory(
        customer=customer,
        number="FA-T1",
        issue_date=dt.date(2026, 1, 10),
        due_date=dt.date(2026, 2, 10),
        amount=Decimal("1200.00"),
    )
    other = InvoiceFactory(
        customer=customer,
        number="FA-T2",
        issue_date=dt.date(2026, 1, 20),
        due_date=dt.date(2026, 2, 20),
        amount=Decimal("300.00"),
    )
    PaymentFactory(customer=customer, reference="VIR-0001", date=dt.date(2026, 1, 5))
    execute_dunning_run(as_of=dt.date(2026, 3, 1))
    hold = request_hold(
        customer=customer,
        invoices=[late],
        reason="Avoir en préparation",
        hold_until=dt.date(2026, 4, 1),
        requested_by=rep_remi,
        today=dt.date(2026, 3, 10),
    )
    decide_hold(hold=hold, approve=True, decided_by=finance_fanny, note="OK jusqu'au 1er avril")
    open_dispute(
        customer=customer,
        invoices=[other],
        reason="quantity",
        opened_on=dt.date(2026, 3, 12),
        opened_by=rep_remi,
        note="2 palettes manquantes",
    )
    record_promise(
        customer=customer,
        invoices=[late],
        promised_for=dt.date(2026, 3, 30),
        recorded_on=dt.date(2026, 3, 15),
        amount=Decimal("1200.00"),
        recorded_by=rep_remi,
    )

    events = customer_timeline(customer)
    kinds = [event.kind for event in events]

    assert {"payment", "email", "hold", "decision", "dispute", "promise"} <= set(kinds)
    assert [event.at for event in events] == sorted((event.at for event in events), reverse=True)
    decision = next(event for event in events if event.kind == "decision")
    assert decision.by == (finance_fanny.get_full_name() or finance_fanny.username)
    assert decision.detail == "OK jusqu'au 1er avril"

    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="timeline-panel"' in page
    assert "2 palettes manquantes" in page
    assert "VIR-0001" in page


def test_a_customer_with_no_history_has_an_empty_timeline(client, db, rep_remi, lyon):
    customer = CustomerFactory(sales_rep=rep_remi, agency=lyon)
    assert customer_timeline(customer) == []
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Nothing has happened with this customer yet." in page


def test_a_returned_payment_and_a_refund_read_as_such(entity):
    from encaisse.ledger.services import allocate, record_payment_return

    customer = CustomerFactory(entity=entity)
    invoice = InvoiceFactory(customer=customer, amount=Decimal("500.00"))
    payment = PaymentFactory(customer=customer, amount=Decimal("500.00"), date=dt.date(2026, 2, 3))
    allocate(invoice=invoice, payment=payment, amount=Decimal("500.00"))
    record_payment_return(
        payment=payment, returned_on=dt.date(2026, 2, 9), reference="RET-1", reason="AM04"
    )
    PaymentFactory(customer=customer, amount=Decimal("-20.00"), date=dt.date(2026, 2, 12))
    titles = [event.title for event in customer_timeline(customer) if event.kind == "payment"]
    assert titles == [
        "Refund paid to the customer",
        "Payment returned: AM04 insufficient funds",
        "Payment received",
    ]


def test_a_dispute_shows_once_with_its_status_today_then_each_change(
    client, portfolios, rep_remi, finance_fanny
):
    from encaisse.collaboration.services_disputes import (
        open_dispute,
        resolve_dispute_by_credit_note,
        start_investigation,
    )

    customer = portfolios["remi1"]
    dispute = open_dispute(
        customer=customer,
        invoices=list(customer.invoices.all()),
        reason="price",
        opened_on=dt.date(2026, 3, 2),
        opened_by=rep_remi,
        note="Remise oubliée",
    )
    start_investigation(dispute=dispute, by=finance_fanny, on=dt.date(2026, 3, 3))
    resolve_dispute_by_credit_note(
        dispute=dispute,
        by=finance_fanny,
        on=dt.date(2026, 3, 4),
        number="AV-9",
        amount=Decimal("100"),
        comment="Remise de 10 %",
    )
    titles = [event.title for event in customer_timeline(customer) if event.url]
    assert titles.count("Dispute opened: Price or discount (Resolved by credit note)") == 1
    assert "Dispute under investigation" in titles
    assert "Dispute resolved by credit note AV-9" in titles
    assert not any("(Open)" in title for title in titles)
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'href="/disputes/{dispute.pk}/"' in page

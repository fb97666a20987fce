"""refresh_balances has two paths: by ids (the ORM, a subquery per row: after an import or a
lettering) and the whole ledger (one aggregate in SQL: after a bulk load). On random ledgers
of invoices, credit notes, payments and refunds lettered through the ledger's own services,
both give every open amount, unallocated amount and settlement date alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.errors import BadInput
from encaisse.ledger.models import Invoice, Payment
from encaisse.ledger.services import allocate, refresh_balances
from encaisse.ledger.tests.factories import (
    CreditNoteFactory,
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
)

START = dt.date(2026, 1, 1)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2)
documents = st.lists(
    st.tuples(st.sampled_from(["invoice", "credit_note", "payment", "refund"]), amounts,
              st.integers(0, 60)),
    min_size=2,
    max_size=8,
)  # fmt: skip


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list, list]:
    """Documents, and letterings between them (most of which the ledger accepts)."""
    docs = draw(documents)
    index = st.integers(0, len(docs) - 1)
    pairs = draw(
        st.lists(st.tuples(index, index, amounts, st.integers(0, 90)), min_size=1, max_size=12)
    )
    return docs, pairs


def caches() -> tuple[list[tuple], list[tuple]]:
    return (
        list(Invoice.objects.order_by("pk").values_list("pk", "open_amount", "settled_on")),
        list(Payment.objects.order_by("pk").values_list("pk", "unallocated_amount", "settled_on")),
    )


def build(docs, pairs) -> None:
    customer = CustomerFactory()
    made = []
    for kind, amount, day in docs:
        on = START + dt.timedelta(days=day)
        if kind == "invoice":
            made.append(InvoiceFactory(customer=customer, amount=amount, issue_date=on))
        elif kind == "credit_note":
            made.append(CreditNoteFactory(customer=customer, amount=-amount, issue_date=on))
        else:
            signed = amount if kind == "payment" else -amount
            made.append(PaymentFactory(customer=customer, amount=signed, date=on))
    refresh_balances()
    for settled, source, amount, day in pairs:
        if settled >= len(made) or source >= len(made):
            continue
        target, giver = made[settled], made[source]
        if not isinstance(target, Invoice):
            continue
        target.refresh_from_db()
        giver.refresh_from_db()
        on = START + dt.timedelta(days=day)
        try:
            with transaction.atomic():
                if isinstance(giver, Payment):
                    allocate(invoice=target, payment=giver, amount=amount, on=on)
                elif giver.pk != target.pk:
                    allocate(invoice=target, credit_note=giver, amount=amount, on=on)
        except BadInput:
            continue  # a lettering the ledger refuses (too much, wrong kind): not made


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger=ledgers())
def test_refreshing_by_ids_and_refreshing_everything_agree(db, ledger) -> None:
    docs, pairs = ledger
    with transaction.atomic():
        build(docs, pairs)
        invoice_ids = list(Invoice.objects.values_list("pk", flat=True))
        payment_ids = list(Payment.objects.values_list("pk", flat=True))
        refresh_balances(invoice_ids=invoice_ids, payment_ids=payment_ids)
        by_ids = caches()
        # Spoil every cache, then refresh the whole ledger the other way.
        Invoice.objects.update(open_amount=Decimal("123.45"), settled_on=START)
        Payment.objects.update(unallocated_amount=Decimal("123.45"), settled_on=START)
        refresh_balances()
        assert caches() == by_ids
        transaction.set_rollback(True)


def test_a_credit_note_partly_refunded_and_partly_applied_is_settled_on_the_later_date(db):
    """Settled by a refund on the 10th and by an invoice it pays on the 20th: settled on the
    20th, both ways."""
    build(
        [("credit_note", Decimal("100"), 0), ("refund", Decimal("40"), 9),
         ("invoice", Decimal("60"), 0)],
        [(0, 1, Decimal("40"), 9), (2, 0, Decimal("60"), 19)],
    )  # fmt: skip
    note = Invoice.objects.get(amount=Decimal("-100"))
    refresh_balances(invoice_ids=[note.pk])
    note.refresh_from_db()
    assert (note.open_amount, note.settled_on) == (Decimal("0"), dt.date(2026, 1, 20))
    refresh_balances()
    note.refresh_from_db()
    assert (note.open_amount, note.settled_on) == (Decimal("0"), dt.date(2026, 1, 20))

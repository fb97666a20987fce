"""The one lettering rule (settle_lettered), on random groups: it never gives more than a
document has open, never mixes currencies, and a refund only ever pays a credit note back."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.ledger.services import Lettered, settle_lettered

KINDS = ("invoice", "credit_note", "payment", "refund")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def groups(draw: st.DrawFn) -> list[Lettered]:
    size = draw(st.integers(min_value=1, max_value=8))
    documents = []
    for pk in range(1, size + 1):
        on = draw(days)
        documents.append(
            Lettered(
                kind=draw(st.sampled_from(KINDS)),
                pk=pk,
                left=draw(amounts),
                on=on,
                order=on,
                currency=draw(st.sampled_from(("EUR", "EUR", "EUR", "USD"))),
            )
        )
    return documents


@settings(max_examples=300, deadline=None)
@given(groups())
def test_a_group_never_gives_more_than_it_has(documents: list[Lettered]) -> None:
    before = {d.pk: d.left for d in documents}
    by_pk = {d.pk: d for d in documents}
    allocations = settle_lettered(documents)

    given_by: dict[int, Decimal] = defaultdict(Decimal)
    for allocation in allocations:
        settled = by_pk[allocation.invoice_id]
        source_pk = allocation.payment_id or allocation.credit_note_id
        assert source_pk is not None
        source = by_pk[source_pk]
        assert settled.currency == source.currency
        assert allocation.date == max(settled.on, source.on)
        if allocation.amount < 0:  # a refund pays a credit note back
            assert source.kind == "refund"
            assert settled.kind == "credit_note"
        else:
            assert settled.kind == "invoice"
            assert source.kind in ("credit_note", "payment")
            assert (allocation.credit_note_id is None) == (source.kind == "payment")
        given_by[settled.pk] += abs(allocation.amount)
        given_by[source.pk] += abs(allocation.amount)

    for document in documents:
        assert document.left >= 0
        assert given_by[document.pk] == before[document.pk] - document.left


@settings(max_examples=200, deadline=None)
@given(groups())
def test_what_is_left_cannot_settle_anything_more(documents: list[Lettered]) -> None:
    settle_lettered(documents)
    for currency in {d.currency for d in documents}:
        open_ = {d.kind for d in documents if d.currency == currency and d.left > 0}
        assert not ("invoice" in open_ and open_ & {"credit_note", "payment"})
        assert not ("refund" in open_ and "credit_note" in open_)

"""The one rule of credit limits (risk.limits.limit_statuses), set-based, gives on random
ledgers what a naive count of each customer's items gives: exposure, the amount limit in
force (temporary until its end date), the oldest and the weighted average days past due."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import (
    CreditNoteFactory,
    CustomerFactory,
    InvoiceFactory,
    LegalEntityFactory,
    PaymentFactory,
)
from encaisse.risk.limits import limit_statuses
from encaisse.risk.models_limits import CustomerLimits

AS_OF = dt.date(2026, 6, 1)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000"), places=2)
maybe_amount = st.none() | amounts
maybe_days = st.none() | st.integers(min_value=0, max_value=200)
items = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "invoice", "invoice", "credit_note", "payment"]),
        amounts,
        st.integers(min_value=-300, max_value=60),  # due date from AS_OF
        st.sampled_from(["open", "part", "settled"]),
    ),
    max_size=8,
)
customers = st.lists(
    st.tuples(
        maybe_amount,  # permanent limit
        maybe_amount,  # temporary limit
        st.integers(min_value=-10, max_value=10),  # its end, from AS_OF
        maybe_days,
        maybe_days,
        st.none() | amounts,  # orders not yet invoiced
        items,
    ),
    min_size=1,
    max_size=3,
)


def _build(plan) -> None:
    entity = LegalEntityFactory()
    for permanent, temporary, until, oldest, average, orders, docs in plan:
        customer = CustomerFactory(entity=entity, credit_limit=permanent)
        if temporary is not None or oldest is not None or average is not None or orders:
            CustomerLimits.objects.create(
                customer=customer,
                temporary_limit=temporary,
                temporary_until=AS_OF + dt.timedelta(days=until) if temporary else None,
                oldest_days_limit=oldest,
                average_days_limit=average,
                uninvoiced_orders=orders or Decimal("0"),
            )
        for kind, amount, due, state in docs:
            open_amount = {"open": amount, "part": (amount / 3).quantize(Decimal("0.01"))}.get(
                state, Decimal("0")
            )
            settled = AS_OF if state == "settled" else None
            due_date = AS_OF + dt.timedelta(days=due)
            if kind == "invoice":
                InvoiceFactory(
                    customer=customer,
                    amount=amount,
                    open_amount=open_amount,
                    settled_on=settled,
                    due_date=due_date,
                    issue_date=due_date - dt.timedelta(days=30),
                )
            elif kind == "credit_note":
                CreditNoteFactory(
                    customer=customer,
                    amount=-amount,
                    open_amount=-open_amount,
                    settled_on=settled,
                    due_date=due_date,
                    issue_date=due_date,
                )
            else:
                PaymentFactory(
                    customer=customer, amount=amount, unallocated_amount=open_amount,
                    settled_on=settled,
                )  # fmt: skip


def _naive(customer: Customer) -> tuple:
    limits = CustomerLimits.objects.filter(customer=customer).first()
    open_items = [i for i in customer.invoices.all() if i.settled_on is None]
    unallocated = sum(
        (p.unallocated_amount for p in customer.payments.all() if p.settled_on is None),
        Decimal("0"),
    )
    outstanding = sum((i.open_amount for i in open_items), Decimal("0")) - unallocated
    orders = limits.uninvoiced_orders if limits else Decimal("0")
    limit = customer.credit_limit
    if limits and limits.temporary_limit is not None and limits.temporary_until >= AS_OF:
        limit = limits.temporary_limit
    owed = [i for i in open_items if i.kind == "invoice" and i.open_amount > 0]
    days = [(max(0, (AS_OF - i.due_date).days), i.open_amount) for i in owed]
    oldest = max((late for late, _ in days), default=0)
    total = sum((amount for _, amount in days), Decimal("0"))
    average = (
        (sum((late * amount for late, amount in days), Decimal("0")) / total).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if total
        else Decimal("0")
    )
    return outstanding + orders, limit, oldest, average


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=customers)
def test_the_set_based_rule_agrees_with_a_naive_count(db, plan) -> None:
    with transaction.atomic():
        _build(plan)
        statuses = limit_statuses(Customer.objects.all(), as_of=AS_OF)
        for customer in Customer.objects.all():
            exposure, limit, oldest, average = _naive(customer)
            status = statuses[customer.pk]
            assert (status.exposure, status.limit, status.oldest_days, status.average_days) == (
                exposure,
                limit,
                oldest,
                average,
            )
            assert status.over_amount is (limit is not None and exposure > limit)
            assert status.excess == (max(exposure - limit, Decimal("0")) if limit else 0)
            limits = CustomerLimits.objects.filter(customer=customer).first()
            days_limit = limits.oldest_days_limit if limits else None
            assert status.over_oldest_days is (days_limit is not None and oldest > days_limit)
        transaction.set_rollback(True)


def test_a_temporary_limit_holds_until_its_end_date_included(db) -> None:
    customer = CustomerFactory(credit_limit=Decimal("1000.00"))
    CustomerLimits.objects.create(
        customer=customer, temporary_limit=Decimal("5000.00"), temporary_until=AS_OF
    )
    one = Customer.objects.filter(pk=customer.pk)
    assert limit_statuses(one, as_of=AS_OF)[customer.pk].limit == Decimal("5000.00")
    later = AS_OF + dt.timedelta(days=1)
    assert limit_statuses(one, as_of=later)[customer.pk].limit == Decimal("1000.00")


def test_a_limit_of_zero_means_no_credit_and_owing_nothing_crosses_nothing(db) -> None:
    nothing_owed = CustomerFactory(credit_limit=Decimal("0.00"))
    owing = CustomerFactory(credit_limit=Decimal("0.00"))
    InvoiceFactory(customer=owing, amount=Decimal("10.00"))
    statuses = limit_statuses(Customer.objects.all(), as_of=AS_OF)
    assert not statuses[nothing_owed.pk].near_amount
    assert not statuses[nothing_owed.pk].over_limit
    assert statuses[owing.pk].over_amount
    assert statuses[owing.pk].excess == Decimal("10.00")
    assert statuses[owing.pk].used_percent is None

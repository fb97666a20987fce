"""The score's factors come from the ledger, set-based: days past due over 3, 6 and 12
months weighed by amount (what is still open counts by its days past due today), their
trend, invoices paid in several payments, promises broken, disputes open, payments returned,
and the outstanding against the credit limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.collaboration.services import open_dispute
from encaisse.ledger.services import record_payment_return
from encaisse.ledger.tests.factories import CustomerFactory, PaymentFactory
from encaisse.risk.factors import measure
from encaisse.risk.scoring import score_customers
from encaisse.risk.tests.score_ledger import AS_OF, days, invoice, paid, pay

pytestmark = pytest.mark.django_db


def test_days_past_due_weigh_by_amount_over_each_window(entity):
    customer = CustomerFactory(entity=entity, credit_limit=None)
    # Last month: 1 000 € paid 10 days late, 3 000 € on time: 2.5 days on average.
    paid(customer, due=AS_OF - days(40), on=AS_OF - days(30))
    paid(customer, due=AS_OF - days(20), on=AS_OF - days(25), amount="3000.00")
    # Five months ago: 1 000 € paid 40 days late (in the 6 and 12 months, not the 3).
    paid(customer, due=AS_OF - days(190), on=AS_OF - days(150))

    values = measure([customer.pk], AS_OF)[customer.pk]

    assert values["days_past_due_3m"] == 2.5
    assert values["days_past_due_6m"] == 10.0  # (10 000 + 40 000) / 5 000
    assert values["days_past_due_12m"] == 10.0
    assert values["delay_trend"] == 2.5 - 40.0  # better than the 3 months before
    assert "exposure_vs_limit" not in values  # no limit: not measured


def test_what_is_still_open_counts_by_its_days_past_due_today(entity):
    customer = CustomerFactory(entity=entity, credit_limit=Decimal("1000.00"))
    invoice(customer, due=AS_OF - days(30), amount="1500.00")  # 30 days late, unpaid

    values = measure([customer.pk], AS_OF)[customer.pk]

    assert values["days_past_due_3m"] == 30.0
    assert values["exposure_vs_limit"] == 150.0


def test_partial_payments_promises_disputes_and_returns_are_counted(entity, rep_remi):
    customer = CustomerFactory(entity=entity, sales_rep=rep_remi)
    split = invoice(customer, due=AS_OF - days(60))
    pay(split, on=AS_OF - days(50), amount="400.00")
    pay(split, on=AS_OF - days(40), amount="600.00")
    returned = PaymentFactory(customer=customer, date=AS_OF - days(20), amount=Decimal(500))
    record_payment_return(payment=returned, returned_on=AS_OF - days(10), reference="RET-1")
    contested = invoice(customer, due=AS_OF - days(10))
    open_dispute(customer=customer, invoices=[contested], reason="price", opened_on=AS_OF - days(5))

    values = measure([customer.pk], AS_OF)[customer.pk]

    assert values["partial_payments"] == 1
    assert values["returned_payments"] == 1
    assert values["active_disputes"] == 1


def test_a_customer_with_nothing_to_say_scores_zero_with_every_factor_listed(entity):
    customer = CustomerFactory(entity=entity)

    (row,) = score_customers(as_of=AS_OF, customer_ids=[customer.pk]).customers

    assert row.score == 0
    names = [factor["name"] for factor in row.factors]
    assert names[:3] == ["days_past_due_3m", "days_past_due_6m", "days_past_due_12m"]
    assert {factor["name"]: factor["value"] for factor in row.factors}["broken_promises"] == 0


def test_a_late_payer_over_its_limit_scores_high_and_says_why(entity):
    customer = CustomerFactory(entity=entity, credit_limit=Decimal("1000.00"))
    invoice(customer, due=AS_OF - days(90), amount="2000.00")

    (row,) = score_customers(as_of=AS_OF, customer_ids=[customer.pk]).customers

    points = {factor["name"]: factor["points"] for factor in row.factors}
    assert points["days_past_due_3m"] == 15
    assert points["exposure_vs_limit"] == 15
    assert row.score == sum(points.values())


def test_the_outstanding_is_what_the_customer_list_says(entity):
    from encaisse.ledger.selectors import with_balances

    customer = CustomerFactory(entity=entity, credit_limit=Decimal("1000.00"))
    invoice(customer, due=AS_OF - days(30), amount="1500.00")
    PaymentFactory(customer=customer, date=AS_OF - days(2), amount=Decimal(400))  # not lettered

    values = measure(None, AS_OF)[customer.pk]

    listed = with_balances(type(customer).objects.filter(pk=customer.pk), today=AS_OF).get()
    assert listed.outstanding == Decimal("1100.00")
    assert values["exposure_vs_limit"] == 110.0

"""The customer page shows the risk score as a gauge and why, factor by factor, with the
latest weak signals (also on the timeline), to whoever sees the customer; a rep never sees
another portfolio's customer (404)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from encaisse.ledger.services import record_payment_return
from encaisse.ledger.tests.factories import PaymentFactory
from encaisse.risk.tasks import score_customers_task
from encaisse.risk.tests.score_ledger import AS_OF, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(portfolios):
    remi1 = portfolios["remi1"]
    returned = PaymentFactory(customer=remi1, date=AS_OF - days(4), amount=Decimal(300))
    record_payment_return(payment=returned, returned_on=AS_OF - days(1), reference="RET-7")
    score_customers_task.run(as_of=AS_OF.isoformat())
    return portfolios


def page(client, user, customer):
    client.force_login(user)
    return client.get(reverse("customer-detail", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_the_rep_reads_the_score_why_and_the_weak_signal(client, rep_remi, scored):
    response = page(client, rep_remi, scored["remi1"])

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="risk-score-panel"' in html
    assert 'data-testid="risk-score">' in html
    assert "Why this score" in html
    assert "Payments returned by the bank (12 months)" in html
    assert html.count('data-testid="weak-signal"') == 1
    assert "The bank returned the payment" in html
    assert "Weak signal" in html  # the timeline's badge


def test_finance_reads_it_too(client, finance_fanny, scored):
    response = page(client, finance_fanny, scored["paul1"])
    assert response.status_code == 200
    assert 'data-testid="risk-score-panel"' in response.content.decode()


def test_another_rep_gets_not_found(client, rep_sarah, scored):
    assert page(client, rep_sarah, scored["remi1"]).status_code == 404


def test_a_customer_not_scored_yet_says_so(client, rep_remi, portfolios):
    html = page(client, rep_remi, portfolios["remi1"]).content.decode()
    assert "Not scored yet" in html

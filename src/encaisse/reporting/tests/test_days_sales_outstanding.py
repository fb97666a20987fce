"""DSO: outstanding over the last 90 days of sales, times 90; shown on the dashboard."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory
from encaisse.reporting.selectors import days_sales_outstanding

AS_OF = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def test_outstanding_equal_to_one_month_of_a_quarters_sales_is_30_days():
    customer = CustomerFactory()
    for days_ago in (10, 40, 70):  # 3 000 invoiced in the last 90 days
        InvoiceFactory(
            customer=customer,
            issue_date=AS_OF - dt.timedelta(days=days_ago),
            due_date=AS_OF - dt.timedelta(days=days_ago) + dt.timedelta(days=30),
            amount=Decimal("1000.00"),
        )
    dso = days_sales_outstanding(
        Customer.objects.all(), as_of=AS_OF, outstanding=Decimal("1000.00")
    )
    assert dso == Decimal("30")


def test_no_sales_in_the_period_gives_no_dso():
    customer = CustomerFactory()
    InvoiceFactory(
        customer=customer,
        issue_date=AS_OF - dt.timedelta(days=200),
        due_date=AS_OF - dt.timedelta(days=170),
        amount=Decimal("500.00"),
    )
    assert (
        days_sales_outstanding(Customer.objects.all(), as_of=AS_OF, outstanding=Decimal("500"))
        is None
    )


def test_the_dashboard_shows_the_dso_of_the_portfolio(client, rep_remi, lyon):
    customer = CustomerFactory(sales_rep=rep_remi, agency=lyon)
    InvoiceFactory(customer=customer, amount=Decimal("900.00"))
    client.force_login(rep_remi)
    page = client.get("/").content.decode()
    assert 'data-testid="kpi-dso"' in page

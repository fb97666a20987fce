"""A sales rep on a phone opens a customer scored overnight: the risk gauge, "why this
score" factor by factor in a tap, and the weak signal with its reason; the page fits the
phone's width."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.core.dates import today
from encaisse.ledger.services import record_payment_return
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory, PaymentFactory
from encaisse.risk.tasks import score_customers_task
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_payer(entity, rep_remi, lyon):
    """An invoice 70 days overdue over a limit of 1 000 €, and a payment the bank returned."""
    now = today()
    customer = CustomerFactory(
        entity=entity, sales_rep=rep_remi, agency=lyon, name="Béton Express",
        credit_limit=Decimal("1000.00"),
    )  # fmt: skip
    InvoiceFactory(
        customer=customer, issue_date=now - dt.timedelta(days=100),
        due_date=now - dt.timedelta(days=70), amount=Decimal("2400.00"),
    )  # fmt: skip
    returned = PaymentFactory(customer=customer, date=now - dt.timedelta(days=3), amount=500)
    record_payment_return(payment=returned, returned_on=now, reference="REJ-1")
    score_customers_task.run(as_of=now.isoformat())
    return customer


def test_a_rep_reads_the_score_and_why_on_a_phone(browser, phone_page, live_server, late_payer):
    page = phone_page
    log_in(page, live_server, "remi", f"/customers/{late_payer.pk}/")
    panel = page.get_by_test_id("risk-score-panel")
    panel.scroll_into_view_if_needed()
    # 15 + 5 + 5 for the days past due, 8 for the return, 15 for twice the limit
    assert panel.get_by_test_id("risk-score").inner_text() == "48 / 100"

    panel.get_by_text("Pourquoi ce score").or_(panel.get_by_text("Why this score")).click()
    factors = panel.get_by_test_id("risk-factor")
    factors.first.wait_for()
    assert factors.count() == 13  # every factor, measured or not
    signal = panel.get_by_test_id("weak-signal")
    assert signal.count() == 1
    assert "VIR" in signal.inner_text()  # its reason names the payment the bank returned
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "customer-risk-panel-phone")

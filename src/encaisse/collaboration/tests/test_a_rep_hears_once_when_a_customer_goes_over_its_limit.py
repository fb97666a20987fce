"""Once a day, each rep hears of customers of theirs gone over their credit limit (what they
owe above the limit): once per crossing (the job runs twice a day, or the customer stays
over: nothing more), again after it came back under and went over again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from encaisse.collaboration.limit_notices import tell_reps_of_customers_over_limit
from encaisse.collaboration.models import Notification
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture
def limits(portfolios, rep_remi):
    """Client Rémi 1 owes 1 000 € for a limit of 800 €; Client Rémi 2 owes 1 000 € of 5 000 €."""
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    over, under = portfolios["remi1"], portfolios["remi2"]
    over.credit_limit, under.credit_limit = Decimal("800.00"), Decimal("5000.00")
    over.save(update_fields=["credit_limit"])
    under.save(update_fields=["credit_limit"])
    return over, under


def test_the_job_is_in_the_one_list_of_daily_jobs():
    assert (
        "encaisse.collaboration.tasks.tell_reps_of_customers_over_limit_task"
        in settings.ENCAISSE_DAILY_JOBS
    )


def test_the_rep_hears_once_per_crossing(limits, rep_remi, rep_sarah):
    over, _under = limits
    assert tell_reps_of_customers_over_limit(as_of=MONDAY) == 1

    [notice] = Notification.objects.all()
    assert notice.recipient == rep_remi
    assert notice.title == "Client Rémi 1 is over its credit limit"
    assert notice.body == "Outstanding €1,000.00 for a limit of €800.00."
    assert notice.url == f"/customers/{over.pk}/"

    # Again the same day, the next day: still over, nothing more.
    assert tell_reps_of_customers_over_limit(as_of=MONDAY) == 0
    assert tell_reps_of_customers_over_limit(as_of=MONDAY + dt.timedelta(days=1)) == 0
    assert Notification.objects.count() == 1

    # Paid down under the limit, then over again: told again.
    invoice = over.invoices.get()
    payment = PaymentFactory(customer=over, amount=Decimal("500.00"))
    allocate(invoice=invoice, payment=payment, amount=Decimal("500.00"))
    assert tell_reps_of_customers_over_limit(as_of=MONDAY + dt.timedelta(days=2)) == 0
    InvoiceFactory(customer=over, number="F-remi-1-bis", amount=Decimal("400.00"))
    assert tell_reps_of_customers_over_limit(as_of=MONDAY + dt.timedelta(days=3)) == 1
    assert Notification.objects.filter(recipient=rep_remi).count() == 2
    assert not Notification.objects.filter(recipient=rep_sarah).exists()


def test_several_customers_over_make_one_notification(limits, rep_remi):
    _over, under = limits
    under.credit_limit = Decimal("100.00")
    under.save(update_fields=["credit_limit"])
    assert tell_reps_of_customers_over_limit(as_of=MONDAY) == 2
    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "2 customers of yours are over their credit limit"
    assert notice.body.splitlines() == [
        "- Client Rémi 1: €1,000.00 for a limit of €800.00",
        "- Client Rémi 2: €1,000.00 for a limit of €100.00",
    ]

"""The rep and finance hear when a customer reaches 80 % of its amount limit, goes over
it, or crosses a limit in days: once per crossing (the daily job runs twice, the customer
stays over: nothing more), again after it came back under and crossed again; a payment
re-arms at once; someone outside the portfolio never hears."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from encaisse.collaboration.models import Notification
from encaisse.ledger.services import allocate
from encaisse.ledger.tests.factories import InvoiceFactory, PaymentFactory
from encaisse.risk.limit_alerts import alert_limit_crossings
from encaisse.risk.limit_changes import LimitsEdit, change_limits
from encaisse.risk.models_limits import LimitAlert

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture
def english(rep_remi, rep_sarah, finance_fanny):
    for person in (rep_remi, rep_sarah, finance_fanny):
        person.language = "en"
        person.save(update_fields=["language"])


@pytest.fixture
def limits(portfolios, english):
    """Client Rémi 1 owes 1 000 € (due 31 January) for a limit of 800 €; Client Rémi 2 owes
    1 000 € of 5 000 €; the others have no limit."""
    over, under = portfolios["remi1"], portfolios["remi2"]
    over.credit_limit, under.credit_limit = Decimal("800.00"), Decimal("5000.00")
    over.save(update_fields=["credit_limit"])
    under.save(update_fields=["credit_limit"])
    for customer in ("sarah1", "sarah2", "paul1", "paul2"):
        portfolios[customer].credit_limit = None
        portfolios[customer].save(update_fields=["credit_limit"])
    return over, under


def titles(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person).order_by("pk").values_list("title", flat=True)
    )


def test_the_job_is_in_the_one_list_of_daily_jobs():
    assert "encaisse.risk.tasks_limits.alert_limit_crossings_task" in settings.ENCAISSE_DAILY_JOBS
    assert not any("over_limit" in name for name in settings.ENCAISSE_DAILY_JOBS)


def test_rep_and_finance_hear_once_per_crossing(limits, rep_remi, rep_sarah, finance_fanny):
    over, _under = limits
    assert alert_limit_crossings(as_of=MONDAY) == 1
    for person in (rep_remi, finance_fanny):
        [notice] = Notification.objects.filter(recipient=person)
        assert notice.title == "Client Rémi 1 is over its credit limit"
        assert notice.body == "Exposure €1,000.00 over its limit of €800.00"
        assert notice.url == f"/customers/{over.pk}/"
    assert not Notification.objects.filter(recipient=rep_sarah).exists()

    # Again the same day, the next day: still over, nothing more.
    assert alert_limit_crossings(as_of=MONDAY) == 0
    assert alert_limit_crossings(as_of=MONDAY + dt.timedelta(days=1)) == 0
    assert Notification.objects.count() == 2

    # Paid down under 80 % (the payment re-arms at once), then over again: told again.
    invoice = over.invoices.get()
    payment = PaymentFactory(customer=over, amount=Decimal("500.00"))
    allocate(invoice=invoice, payment=payment, amount=Decimal("500.00"))
    assert alert_limit_crossings(as_of=MONDAY + dt.timedelta(days=2)) == 0
    assert not LimitAlert.objects.filter(customer=over).exists()
    InvoiceFactory(customer=over, number="F-remi-1-bis", amount=Decimal("400.00"))
    assert alert_limit_crossings(as_of=MONDAY + dt.timedelta(days=3)) == 1
    assert titles(rep_remi) == ["Client Rémi 1 is over its credit limit"] * 2


def test_eighty_percent_then_over_are_two_crossings(limits, rep_remi):
    _over, under = limits
    alert_limit_crossings(as_of=MONDAY)  # Client Rémi 1, over already
    InvoiceFactory(customer=under, number="F-remi-2-bis", amount=Decimal("3100.00"))
    alert_limit_crossings(as_of=MONDAY)  # 4 100 € of 5 000 €: 82 %
    assert titles(rep_remi)[-1] == "Client Rémi 2 is near its credit limit"
    assert Notification.objects.filter(recipient=rep_remi).order_by("pk").last().body == (
        "Exposure €4,100.00, 82 % of its limit of €5,000.00"
    )
    InvoiceFactory(customer=under, number="F-remi-2-ter", amount=Decimal("1000.00"))
    alert_limit_crossings(as_of=MONDAY)
    assert titles(rep_remi)[-1] == "Client Rémi 2 is over its credit limit"


def test_a_days_limit_crossed_is_told(limits, rep_remi, finance_fanny):
    _over, under = limits
    alert_limit_crossings(as_of=MONDAY)  # Client Rémi 1, over already
    change_limits(
        customer=under,
        edit=LimitsEdit(credit_limit=Decimal("5000.00"), oldest_days_limit=60),
        changed_by=finance_fanny,
        today=MONDAY,
    )  # due 31 January: 37 days late on 9 March
    assert "Client Rémi 2 is over its credit limit" not in titles(rep_remi)
    assert not Notification.objects.filter(body__contains="days past due").exists()
    alert_limit_crossings(as_of=dt.date(2026, 4, 2))  # 61 days late
    notice = Notification.objects.filter(recipient=rep_remi).order_by("pk").last()
    assert notice.title == "Client Rémi 2 is over its credit limit"
    assert notice.body == "Oldest invoice 61 days past due (limit 60)"


def test_several_customers_make_one_notification_each(limits, rep_remi, finance_fanny):
    _over, under = limits
    under.credit_limit = Decimal("100.00")
    under.save(update_fields=["credit_limit"])
    assert alert_limit_crossings(as_of=MONDAY) == 2
    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "2 customers crossed a credit limit"
    assert notice.body.splitlines() == [
        "- Client Rémi 1: exposure €1,000.00 over its limit of €800.00",
        "- Client Rémi 2: exposure €1,000.00 over its limit of €100.00",
    ]
    assert notice.url == "/customers/"
    [finance] = Notification.objects.filter(recipient=finance_fanny)
    assert finance.url == "/risk/over-limit/"


def test_orders_not_yet_invoiced_count_in_the_exposure(limits, rep_remi):
    from encaisse.risk.limit_changes import record_uninvoiced_orders

    _over, under = limits
    record_uninvoiced_orders(customer=under, amount=Decimal("4500.00"), as_of=MONDAY)
    assert titles(rep_remi) == ["Client Rémi 2 is over its credit limit"]


def test_an_average_delay_too_long_is_told(limits, rep_remi, finance_fanny):
    """Rémi 2 owes 1 000 € due 31 January and 3 000 € not yet due: on 2 April the average
    is 61 * 1 000 / 4 000 = 15.3 days past due, over a limit of 15."""
    _over, under = limits
    alert_limit_crossings(as_of=MONDAY)  # Client Rémi 1, over already
    InvoiceFactory(
        customer=under,
        number="F-remi-2-later",
        amount=Decimal("3000.00"),
        issue_date=dt.date(2026, 3, 20),
        due_date=dt.date(2026, 4, 30),
    )
    change_limits(
        customer=under,
        edit=LimitsEdit(credit_limit=Decimal("50000.00"), average_days_limit=15),
        changed_by=finance_fanny,
        today=MONDAY,
    )
    alert_limit_crossings(as_of=dt.date(2026, 4, 1))  # 60 * 1 000 / 4 000 = 15.0: not over
    assert "Client Rémi 2 is over its credit limit" not in titles(rep_remi)
    alert_limit_crossings(as_of=dt.date(2026, 4, 2))
    notice = Notification.objects.filter(recipient=rep_remi).order_by("pk").last()
    assert notice.title == "Client Rémi 2 is over its credit limit"
    assert notice.body == "Average 15.3 days past due (limit 15)"

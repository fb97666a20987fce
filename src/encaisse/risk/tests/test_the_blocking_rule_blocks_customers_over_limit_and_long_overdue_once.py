"""The daily job blocks, by rule, the customers over their credit limit with an invoice more
than 60 days past due; run twice it blocks once; a person's unblocking holds against it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification
from encaisse.ledger.tests.factories import InvoiceFactory
from encaisse.risk.blocking import apply_blocking_rules, unblock_customer
from encaisse.risk.models_blocking import Block
from encaisse.risk.tasks_blocking import apply_blocking_rules_task

AS_OF = dt.date(2026, 3, 1)  # the portfolios' own invoices are due 31 January


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.ENCAISSE_BLOCKING_RULES = ["over_limit_and_overdue"]
    settings.ENCAISSE_BLOCKING_OVERDUE_DAYS = 60
    settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL = False


@pytest.fixture
def customers(portfolios):
    """Rémi 1: over its limit, 61 days late (blocked). Rémi 2: over its limit, 30 days late.
    Sarah 1: 90 days late, under its limit. Sarah 2: no limit."""
    remi1, remi2, sarah1 = portfolios["remi1"], portfolios["remi2"], portfolios["sarah1"]
    for customer, days_late in ((remi1, 61), (remi2, 30), (sarah1, 90)):
        customer.credit_limit = Decimal("1500.00")
        customer.save()
        due = AS_OF - dt.timedelta(days=days_late)
        InvoiceFactory(customer=customer, issue_date=due - dt.timedelta(days=30), due_date=due)
    sarah1.credit_limit = Decimal("5000.00")
    sarah1.save()
    return portfolios


def test_the_rule_blocks_only_the_customer_over_limit_and_long_overdue(customers):
    assert apply_blocking_rules(as_of=AS_OF) == 1

    block = Block.objects.get()
    assert block.customer == customers["remi1"]
    assert block.rule == "over_limit_and_overdue"
    assert block.blocked_by is None
    assert "60" in block.reason
    customers["remi1"].refresh_from_db()
    assert customers["remi1"].is_blocked


def test_run_twice_the_daily_job_blocks_once(customers, settings):
    assert "encaisse.risk.tasks_blocking.apply_blocking_rules_task" in (
        settings.ENCAISSE_DAILY_JOBS
    )
    assert apply_blocking_rules_task(as_of=AS_OF.isoformat()) == 1
    assert apply_blocking_rules_task(as_of=AS_OF.isoformat()) == 0
    assert Block.objects.count() == 1


def test_a_person_unblocking_holds_against_the_rule_for_a_while(customers, finance_fanny, settings):
    apply_blocking_rules(as_of=AS_OF)
    unblock_customer(customer=customers["remi1"], by=finance_fanny, reason="agreed a plan")

    assert apply_blocking_rules(as_of=AS_OF) == 0

    settings.ENCAISSE_BLOCKING_RULE_QUIET_DAYS = 0
    assert apply_blocking_rules(as_of=AS_OF) == 1


def test_each_rep_hears_of_theirs_and_finance_of_all_in_one_notification(
    customers, finance_fanny, rep_remi, rep_sarah
):
    sarah2 = customers["sarah2"]
    sarah2.credit_limit = Decimal("100.00")
    sarah2.save()
    InvoiceFactory(
        customer=sarah2,
        issue_date=AS_OF - dt.timedelta(days=120),
        due_date=AS_OF - dt.timedelta(days=90),
    )

    assert apply_blocking_rules(as_of=AS_OF) == 2

    fanny = Notification.objects.get(recipient=finance_fanny)
    assert fanny.title == "2 customers blocked by a rule"
    assert fanny.body == "Client Rémi 1, Client Sarah 2"
    remi = Notification.objects.get(recipient=rep_remi)
    assert (remi.title, remi.customer) == ("Blocked: Client Rémi 1", customers["remi1"])
    assert "60 days past due" in remi.body
    assert Notification.objects.get(recipient=rep_sarah).customer == sarah2


def test_no_rule_on_blocks_nobody(customers, settings):
    settings.ENCAISSE_BLOCKING_RULES = []
    assert apply_blocking_rules(as_of=AS_OF) == 0

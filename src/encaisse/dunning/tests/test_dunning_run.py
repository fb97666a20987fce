"""Dunning runs: grouped per customer, recorded once, paused by disputes and promises."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from encaisse.collaboration.services import open_dispute, record_promise
from encaisse.dunning.models import ActionItem, DunningAction, DunningProfile, DunningRun
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

AS_OF = dt.date(2026, 3, 20)


@pytest.fixture
def customers(shipped_scenarios, entity):
    sme = CustomerFactory(entity=entity, segment="sme", external_id="SME-1")
    key = CustomerFactory(entity=entity, segment="key_account", external_id="KEY-1")
    for number, due in (("FA-1", dt.date(2026, 3, 5)), ("FA-2", dt.date(2026, 3, 10))):
        InvoiceFactory(
            customer=sme,
            number=number,
            issue_date=dt.date(2026, 2, 1),
            due_date=due,
            amount=Decimal("1000.00"),
        )
    InvoiceFactory(
        customer=key,
        number="FA-3",
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 5),
        amount=Decimal("50000.00"),
    )
    return {"sme": sme, "key": key}


def run_json(*args):
    out = io.StringIO()
    call_command(
        "dunning", "run", "--as-of", AS_OF.isoformat(), "--format", "json", *args, stdout=out
    )
    return json.loads(out.getvalue())


def test_invoices_due_for_a_step_are_grouped_into_one_action_per_customer(customers):
    data = run_json()
    assert data["as_of"] == "2026-03-20"
    by_customer = {action["customer"]: action for action in data["actions"]}
    assert by_customer["SME-1"]["step"] == "reminder_1"
    assert by_customer["SME-1"]["channel"] == "email"
    assert by_customer["SME-1"]["actor"] == "finance"
    assert by_customer["SME-1"]["invoices"] == [
        {"number": "FA-1", "days_past_due": 15, "open_amount": "1000.00"},
        {"number": "FA-2", "days_past_due": 10, "open_amount": "1000.00"},
    ]
    assert by_customer["KEY-1"]["step"] == "call"
    assert by_customer["KEY-1"]["actor"] == "sales_rep"
    assert data["summary"]["reminder_1"] == {"actions": 1, "invoices": 2, "amount": "2000.00"}
    assert data["summary"]["call"] == {"actions": 1, "invoices": 1, "amount": "50000.00"}


def test_running_again_the_same_day_plans_nothing_new(customers):
    assert len(run_json()["actions"]) == 2
    assert run_json()["actions"] == []
    assert DunningAction.objects.count() == 2
    assert ActionItem.objects.count() == 3
    assert DunningRun.objects.count() == 2


def test_a_dry_run_records_nothing(customers):
    assert len(run_json("--dry-run")["actions"]) == 2
    assert DunningAction.objects.count() == 0
    assert DunningRun.objects.count() == 0
    assert len(run_json()["actions"]) == 2


def test_a_disputed_invoice_is_skipped(customers):
    sme = customers["sme"]
    open_dispute(
        customer=sme, invoices=[sme.invoices.get(number="FA-1")], reason="price", opened_on=AS_OF
    )
    (action,) = [a for a in run_json()["actions"] if a["customer"] == "SME-1"]
    assert [i["number"] for i in action["invoices"]] == ["FA-2"]


def test_a_promise_to_pay_pauses_until_its_date(customers, settings):
    settings.ENCAISSE_PROMISE_GRACE_DAYS = 0  # the grace period: test_promises_grace_period
    sme = customers["sme"]
    record_promise(
        customer=sme,
        invoices=list(sme.invoices.all()),
        recorded_on=AS_OF,
        promised_for=dt.date(2026, 3, 25),
    )
    assert [a["customer"] for a in run_json()["actions"]] == ["KEY-1"]
    later = execute_dunning_run(as_of=dt.date(2026, 3, 26))
    # FA-1 (21 days late) has reached the second reminder, FA-2 (16 days) the first.
    assert {(line.customer, line.step, line.invoices[0][0]) for line in later.actions} == {
        ("SME-1", "reminder_1", "FA-2"),
        ("SME-1", "reminder_2", "FA-1"),
    }


def test_a_customer_marked_do_not_contact_is_skipped(customers):
    DunningProfile.objects.create(customer=customers["sme"], do_not_contact=True)
    assert [a["customer"] for a in run_json()["actions"]] == ["KEY-1"]


def test_the_table_says_what_was_recorded(customers):
    out = io.StringIO()
    call_command("dunning", "run", "--as-of", AS_OF.isoformat(), stdout=out)
    text = out.getvalue()
    assert "reminder_1" in text
    assert "2000.00" in text


def test_an_invoice_disputed_in_the_erp_is_skipped(customers):
    sme = customers["sme"]
    sme.invoices.filter(number="FA-2").update(disputed=True)
    (action,) = [a for a in run_json()["actions"] if a["customer"] == "SME-1"]
    assert [i["number"] for i in action["invoices"]] == ["FA-1"]

"""Finance sets a customer's own scenario, marks it do-not-contact or holds it, on its page."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from encaisse.core.errors import BadInput
from encaisse.dunning.models import DunningProfile, Scenario
from encaisse.dunning.services.profiles import set_dunning_profile
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=PARIS)
TODAY = NOW.date()


@pytest.fixture
def late_customer(dunning_ready, rep_remi, lyon):
    customer = CustomerFactory(
        entity=dunning_ready, segment="sme", sales_rep=rep_remi, agency=lyon, name="Garage Rémi"
    )
    InvoiceFactory(
        customer=customer,
        issue_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 2, 1),
        amount=Decimal("900.00"),
    )
    return customer


def _steps(as_of: dt.date) -> list[str]:
    return [line.step for line in execute_dunning_run(as_of=as_of, dry_run=True).actions]


@time_machine.travel(NOW, tick=False)
def test_finance_marks_a_customer_do_not_contact_on_its_page_and_the_run_skips_it(
    client, finance_fanny, late_customer
):
    assert _steps(TODAY) != []
    client.force_login(finance_fanny)
    page = client.get(f"/customers/{late_customer.pk}/").content.decode()
    assert 'data-testid="dunning-profile"' in page
    response = client.post(
        f"/dunning/customers/{late_customer.pk}/profile/",
        {"scenario": "", "do_not_contact": "on", "on_hold_until": ""},
    )
    assert response.status_code == 302
    assert DunningProfile.objects.get(customer=late_customer).do_not_contact
    assert _steps(TODAY) == []
    page = client.get(f"/customers/{late_customer.pk}/").content.decode()
    assert 'data-testid="do-not-contact"' in page


@time_machine.travel(NOW, tick=False)
def test_a_hold_lasts_until_its_day(finance_fanny, late_customer):
    set_dunning_profile(
        customer=late_customer,
        scenario=None,
        do_not_contact=False,
        on_hold_until=dt.date(2026, 3, 25),
        changed_by=finance_fanny,
        today=TODAY,
    )
    assert _steps(dt.date(2026, 3, 25)) == []
    assert _steps(dt.date(2026, 3, 26)) != []


@time_machine.travel(NOW, tick=False)
def test_the_customers_own_scenario_wins_over_its_segments(finance_fanny, late_customer):
    key_accounts = Scenario.objects.get(segments__segment="key_account")
    set_dunning_profile(
        customer=late_customer,
        scenario=key_accounts,
        do_not_contact=False,
        on_hold_until=None,
        changed_by=finance_fanny,
        today=TODAY,
    )
    keys = set(key_accounts.steps.values_list("key", flat=True))
    assert set(_steps(TODAY)) <= keys


def test_only_finance_sets_it_and_a_hold_cannot_be_in_the_past(
    client, rep_remi, finance_fanny, late_customer
):
    client.force_login(rep_remi)
    response = client.post(
        f"/dunning/customers/{late_customer.pk}/profile/", {"do_not_contact": "on"}
    )
    assert response.status_code == 404
    assert not DunningProfile.objects.exists()
    with pytest.raises(BadInput, match="only finance"):
        set_dunning_profile(
            customer=late_customer, scenario=None, do_not_contact=True, on_hold_until=None,
            changed_by=rep_remi, today=TODAY,
        )  # fmt: skip
    with pytest.raises(BadInput, match="already past"):
        set_dunning_profile(
            customer=late_customer, scenario=None, do_not_contact=False,
            on_hold_until=TODAY - dt.timedelta(days=1), changed_by=finance_fanny, today=TODAY,
        )  # fmt: skip

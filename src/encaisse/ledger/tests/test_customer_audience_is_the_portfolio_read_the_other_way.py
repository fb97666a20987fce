"""``customer_audience(customer)`` (who may be mentioned on a customer) is exactly the set
of active users whose ``visible_customers`` holds it, for every role of the cast."""

from __future__ import annotations

import pytest

from encaisse.accounts.models import User
from encaisse.ledger.scoping import customer_audience, visible_customers
from encaisse.ledger.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(finance_fanny, admin_alice, viewer_victor, manager_maud, agency_manager_anna, rep_paul):
    retired = User.objects.create(username="old", role="sales_rep", is_active=False)
    return [finance_fanny, admin_alice, viewer_victor, manager_maud, agency_manager_anna, retired]


def test_the_audience_of_every_customer_is_who_sees_it(cast, portfolios, entity, manager_maud):
    orphan = CustomerFactory(entity=entity, sales_rep=None, agency=None, name="Orphan")
    maud_own = CustomerFactory(entity=entity, sales_rep=manager_maud, name="Maud's own")
    users = list(User.objects.all())
    for customer in [*portfolios.values(), orphan, maud_own]:
        expected = {u.username for u in users if visible_customers(u).filter(pk=customer.pk)}
        assert {u.username for u in customer_audience(customer)} == expected, customer.name


def test_a_reps_customer_is_seen_by_him_his_manager_his_agency_and_finance(portfolios, cast):
    audience = {u.username for u in customer_audience(portfolios["remi1"])}
    assert audience == {"remi", "maud", "anna", "fanny", "alice", "victor"}
    assert not {"paul", "sarah", "old"} & audience

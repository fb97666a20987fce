"""The customer list and page as finance and reps use them."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.ledger.tests.factories import ContactFactory, CustomerFactory, InvoiceFactory


@pytest.fixture
def big_late_customer(portfolios, entity, rep_remi, lyon):
    customer = CustomerFactory(
        entity=entity,
        sales_rep=rep_remi,
        agency=lyon,
        name="Béton Express",
        segment="key_account",
        external_id="BETON",
        credit_limit=Decimal("5000.00"),
        siren="732829320",
    )
    InvoiceFactory(
        customer=customer,
        number="F-BIG",
        amount=Decimal("12345.67"),
        issue_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 1, 31),
    )
    ContactFactory(customer=customer, name="Jeanne Compta", phone="+33 4 72 00 00 00")
    return customer


def test_list_is_sorted_by_overdue_amount_by_default(client, finance_fanny, big_late_customer):
    client.force_login(finance_fanny)
    page = client.get("/customers/")
    names = [c.name for c in page.context["page"].object_list]
    assert names[0] == "Béton Express"
    assert len(names) == 7


def test_search_finds_by_name_account_and_siren(client, finance_fanny, big_late_customer):
    client.force_login(finance_fanny)
    for term in ("béton", "BETON", "732829320"):
        page = client.get("/customers/", {"q": term})
        assert [c.name for c in page.context["page"].object_list] == ["Béton Express"]


def test_filters_by_segment_agency_and_overdue(client, finance_fanny, big_late_customer, marseille):
    client.force_login(finance_fanny)
    assert (
        client.get("/customers/", {"segment": "key_account"}).context["page"].paginator.count == 1
    )
    assert client.get("/customers/", {"agency": marseille.pk}).context["page"].paginator.count == 2
    assert client.get("/customers/", {"overdue": "on"}).context["page"].paginator.count == 7


def test_bad_filter_values_are_ignored_not_an_error(client, finance_fanny, big_late_customer):
    client.force_login(finance_fanny)
    response = client.get("/customers/", {"agency": "abc", "sort": "drop table", "page": "x"})
    assert response.status_code == 200


def test_list_paginates(client, finance_fanny, entity):
    CustomerFactory.create_batch(30, entity=entity)
    client.force_login(finance_fanny)
    first = client.get("/customers/")
    second = client.get("/customers/", {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_htmx_search_returns_only_the_rows(client, finance_fanny, big_late_customer):
    client.force_login(finance_fanny)
    response = client.get("/customers/", {"q": "Béton"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Béton Express" in html
    assert '<nav class="navbar' not in html


def test_customer_page_shows_open_items_with_days_past_due_and_the_limit(
    client, rep_remi, big_late_customer, settings
):
    client.force_login(rep_remi)
    response = client.get(f"/customers/{big_late_customer.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "F-BIG" in html
    assert "12\u202f345,67\u00a0€" in html
    assert "Encours dépassé" in html  # over the 5 000 € credit limit
    assert "Jeanne Compta" in html
    position = response.context["position"]
    assert position.outstanding == Decimal("12345.67")


def test_english_browser_gets_english(client, rep_remi, big_late_customer):
    client.force_login(rep_remi)
    html = client.get(f"/customers/{big_late_customer.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Over credit limit" in html.decode()
    assert "€12,345.67" in html.decode()

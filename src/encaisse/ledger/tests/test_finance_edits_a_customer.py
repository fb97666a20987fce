"""Finance edits a customer's collection data and contacts in the app; each change is kept
(who, when, from what to what) and shown on the timeline; bad input changes nothing; only
finance may, and only within its scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from encaisse.ledger.models import Customer, CustomerChange
from encaisse.ledger.selectors import customer_changes
from encaisse.ledger.services import (
    ContactEdit,
    CustomerEdit,
    InvalidCustomer,
    save_contact,
    update_customer,
)
from encaisse.ledger.tests.factories import ContactFactory


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _edit(customer: Customer, **changes) -> CustomerEdit:
    values = {
        "sales_rep": customer.sales_rep,
        "agency": customer.agency,
        "segment": customer.segment,
        "payment_terms_days": customer.payment_terms_days,
        "credit_limit": customer.credit_limit,
        "email": customer.email,
        "phone": customer.phone,
    }
    values.update(changes)
    return CustomerEdit(**values)


def test_a_change_is_saved_and_kept_with_who_and_what(portfolios, finance_fanny, rep_sarah):
    customer = portfolios["remi1"]
    changes = update_customer(
        customer=customer,
        edit=_edit(customer, sales_rep=rep_sarah, credit_limit=Decimal("15000.00")),
        changed_by=finance_fanny,
    )
    customer.refresh_from_db()
    assert customer.sales_rep == rep_sarah
    assert customer.credit_limit == Decimal("15000.00")
    assert {change.field for change in changes} == {"sales_rep", "credit_limit"}
    kept = CustomerChange.objects.get(customer=customer, field="sales_rep")
    assert (kept.before, kept.after) == ("Rémi Commercial", "Sarah Vente")
    assert kept.changed_by == finance_fanny
    shown = {change.label: (change.before, change.after) for change in customer_changes(customer)}
    assert shown["Credit limit"] == ("€50,000.00", "€15,000.00")


def test_saving_without_a_change_records_nothing(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    assert update_customer(customer=customer, edit=_edit(customer), changed_by=finance_fanny) == []
    assert not CustomerChange.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"credit_limit": Decimal("-1")}, "credit_limit"),
        ({"segment": "giant"}, "segment"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(portfolios, finance_fanny, changes, field):
    customer = portfolios["remi1"]
    before = Customer.objects.filter(pk=customer.pk).values().get()
    with pytest.raises(InvalidCustomer) as refused:
        update_customer(
            customer=customer, edit=_edit(customer, **changes), changed_by=finance_fanny
        )
    assert field in refused.value.errors
    assert Customer.objects.filter(pk=customer.pk).values().get() == before
    assert not CustomerChange.objects.exists()


def test_only_an_active_sales_rep_takes_a_portfolio(portfolios, finance_fanny, manager_maud):
    customer = portfolios["remi1"]
    with pytest.raises(InvalidCustomer) as refused:
        update_customer(
            customer=customer,
            edit=_edit(customer, sales_rep=manager_maud),
            changed_by=finance_fanny,
        )
    assert "sales_rep" in refused.value.errors


def test_one_contact_receives_the_reminders(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    first = ContactFactory(customer=customer, is_primary=True)
    second = save_contact(
        customer=customer,
        edit=ContactEdit(name="Jeanne Compta", email="jeanne@client.fr", receives_reminders=True),
        changed_by=finance_fanny,
    )
    first.refresh_from_db()
    assert second.is_primary
    assert not first.is_primary
    with pytest.raises(InvalidCustomer) as refused:
        save_contact(
            customer=customer,
            edit=ContactEdit(name="Sans Moyen", receives_reminders=True),
            changed_by=finance_fanny,
        )
    assert "email" in refused.value.errors
    assert CustomerChange.objects.filter(customer=customer, field="contact").count() == 1


def test_finance_edits_on_the_page(portfolios, finance_fanny, rep_sarah, client_of):
    customer = portfolios["remi1"]
    client = client_of(finance_fanny)
    page = client.get(reverse("customer-detail", args=[customer.pk]))
    assert reverse("customer-edit", args=[customer.pk]) in page.content.decode()
    form = client.get(reverse("customer-edit", args=[customer.pk]))
    assert form.status_code == 200
    assert "only the fields its file carries" in form.content.decode()
    response = client.post(
        reverse("customer-edit", args=[customer.pk]),
        {
            "sales_rep": rep_sarah.pk,
            "agency": customer.agency_id or "",
            "segment": customer.segment,
            "payment_terms_days": "45",
            "credit_limit": "20000",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.sales_rep, customer.payment_terms_days) == (rep_sarah, 45)
    timeline = client.get(reverse("customer-detail", args=[customer.pk])).content.decode()
    assert "Payment terms (days) changed" in timeline


def test_a_refused_field_is_shown_on_the_form(portfolios, finance_fanny, client_of):
    customer = portfolios["remi1"]
    response = client_of(finance_fanny).post(
        reverse("customer-edit", args=[customer.pk]),
        {"segment": customer.segment, "payment_terms_days": "-3", "credit_limit": "abc"},
    )
    assert response.status_code == 400
    assert response.content.decode().count('data-testid="field-error"') == 2


def test_a_rep_or_a_manager_cannot_edit(portfolios, rep_remi, manager_maud, client_of):
    customer = portfolios["remi1"]
    for user in (rep_remi, manager_maud):
        client = client_of(user)
        assert client.get(reverse("customer-edit", args=[customer.pk])).status_code == 404
        assert (
            "customer-edit"
            not in client.get(reverse("customer-detail", args=[customer.pk])).content.decode()
        )


def test_contacts_are_added_changed_and_removed_on_the_page(portfolios, finance_fanny, client_of):
    customer = portfolios["remi1"]
    client = client_of(finance_fanny)
    response = client.post(
        reverse("customer-contact-new", args=[customer.pk]),
        {"name": "Paul Achats", "email": "paul@client.fr", "receives_reminders": "on"},
    )
    assert response.status_code == 302
    contact = customer.contacts.get(name="Paul Achats")
    assert contact.is_primary
    client.post(
        reverse("customer-contact-edit", args=[customer.pk, contact.pk]),
        {"name": "Paul Achats", "email": "paul.achats@client.fr"},
    )
    contact.refresh_from_db()
    assert contact.email == "paul.achats@client.fr"
    client.post(reverse("customer-contact-remove", args=[customer.pk, contact.pk]))
    assert not customer.contacts.filter(pk=contact.pk).exists()
    assert CustomerChange.objects.filter(customer=customer, field="contact").count() == 3


def test_a_contact_of_another_customer_is_not_found(portfolios, finance_fanny, client_of):
    mine, other = portfolios["remi1"], portfolios["paul1"]
    contact = ContactFactory(customer=other)
    client = client_of(finance_fanny)
    url = reverse("customer-contact-edit", args=[mine.pk, contact.pk])
    assert client.get(url).status_code == 404

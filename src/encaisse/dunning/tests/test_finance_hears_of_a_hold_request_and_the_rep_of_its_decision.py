"""A hold closes its loop: finance hears a rep asked for one (one notification per person who
decides, each in their language, linking to the approvals page), and the rep who asked
hears finance's decision (with a link to the customer page he may open)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from encaisse.collaboration.models import Notification
from encaisse.dunning.services.decisions import decide_hold, request_hold
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def hold(rep_remi, finance_fanny, admin_alice, lyon):
    rep_remi.language = "fr"
    rep_remi.save(update_fields=["language"])
    finance_fanny.language = "en"
    finance_fanny.save(update_fields=["language"])
    customer = CustomerFactory(sales_rep=rep_remi, agency=lyon, name="Garage Rémi")
    InvoiceFactory(customer=customer, number="FA-R1", amount=Decimal("900.00"))
    return request_hold(
        customer=customer,
        invoices=list(customer.invoices.all()),
        reason="Avoir en cours",
        hold_until=dt.date(2026, 3, 20),
        requested_by=rep_remi,
        today=TODAY,
    )


def test_each_person_who_decides_holds_is_told_once_in_their_language(
    hold, rep_remi, finance_fanny, admin_alice, manager_maud, client
):
    fannys = Notification.objects.get(recipient=finance_fanny)
    assert fannys.title == "Hold requested for Garage Rémi until 03/20/2026"
    assert fannys.body == "Rémi Commercial: Avoir en cours\nInvoices: FA-R1"
    assert fannys.customer == hold.customer
    alices = Notification.objects.get(recipient=admin_alice)
    assert "20/03/2026" in alices.title  # no language chosen: French
    # Nobody else: not the rep who asked, not his manager.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        finance_fanny.pk,
        admin_alice.pk,
    }
    client.force_login(finance_fanny)
    page = client.get(fannys.url)
    assert page.status_code == 200
    assert "Garage Rémi" in page.content.decode()


def test_the_rep_hears_finance_approved_in_his_language(hold, rep_remi, finance_fanny, client):
    Notification.objects.all().delete()
    decide_hold(hold=hold, approve=True, decided_by=finance_fanny, note="OK until the credit")

    [notice] = Notification.objects.all()
    assert notice.recipient == rep_remi
    assert "Garage Rémi" in notice.title
    assert "20/03/2026" in notice.title  # written in French, his language
    assert "OK until the credit" in notice.body
    assert notice.url == reverse("customer-detail", args=[hold.customer_id])
    client.force_login(rep_remi)
    assert client.get(notice.url).status_code == 200


def test_the_rep_hears_finance_refused_and_why(hold, rep_remi, finance_fanny):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    Notification.objects.all().delete()
    decide_hold(hold=hold, approve=False, decided_by=finance_fanny, note="No credit planned")

    [notice] = Notification.objects.filter(recipient=rep_remi)
    assert notice.title == "Hold refused for Garage Rémi: dunning goes on"
    assert notice.body == "Decided by Fanny Finance.\nNo credit planned"


def test_a_rep_who_no_longer_has_the_customer_is_not_told(hold, rep_remi, rep_sarah, finance_fanny):
    hold.customer.sales_rep = rep_sarah
    hold.customer.save(update_fields=["sales_rep"])
    Notification.objects.all().delete()
    decide_hold(hold=hold, approve=True, decided_by=finance_fanny)
    assert not Notification.objects.exists()

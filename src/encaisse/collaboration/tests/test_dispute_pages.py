"""The disputes pages as people use them: a rep opens one from the customer page, finance
follows them on the disputes page (filters, overdue first, resolution times) and answers on
the dispute's page; a dispute outside the portfolio is a 404."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encaisse.collaboration.models import Dispute, DisputeStatus
from encaisse.collaboration.services_disputes import open_dispute, withdraw_dispute
from encaisse.ledger.tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture(autouse=True)
def on_march_5th():
    at = dt.datetime(2026, 3, 5, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(at, tick=False):
        yield


def _dispute(customer, *, reason="price", opened_on=TODAY, **extra):
    return open_dispute(
        customer=customer,
        invoices=list(customer.invoices.open()),
        reason=reason,
        opened_on=opened_on,
        **extra,
    )


def test_a_rep_opens_a_dispute_from_the_customer_page(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    second = InvoiceFactory(customer=customer, number="F-remi-1b")
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="disputes-panel"' in page
    assert f"/customers/{customer.pk}/disputes/new/" in page
    # Each open invoice's row has its link, the invoice chosen.
    assert f'href="/customers/{customer.pk}/disputes/new/?invoice={second.pk}"' in page
    form = client.get(f"/customers/{customer.pk}/disputes/new/?invoice={second.pk}")
    assert form.status_code == 200
    assert f'value="{second.pk}" id="id_invoices_1" checked>' in form.content.decode()
    response = client.post(
        f"/customers/{customer.pk}/disputes/new/",
        {"invoices": [second.pk], "reason": "quality", "note": "Palettes abîmées", "owner": ""},
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    assert list(dispute.invoices.all()) == [second]
    assert (dispute.opened_by, dispute.reason) == (rep_remi, "quality")
    detail = client.get(response["Location"]).content.decode()
    assert "Palettes abîmées" in detail
    assert "F-remi-1b" in detail


def test_a_refused_dispute_says_why_next_to_the_field(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    invoice = customer.invoices.get()
    response = client.post(
        f"/customers/{customer.pk}/disputes/new/",
        {"invoices": [invoice.pk], "reason": "price", "amount": "5000"},
    )
    assert response.status_code == 400
    assert "is more than the" in response.content.decode()
    assert not Dispute.objects.exists()


def test_finance_sees_overdue_first_and_filters(client, portfolios, finance_fanny, rep_sarah):
    late = _dispute(portfolios["remi1"], reason="quality", opened_on=TODAY - dt.timedelta(days=45))
    fresh = _dispute(portfolios["sarah1"], owner=rep_sarah)
    closed = _dispute(portfolios["paul1"], reason="duplicate", opened_on=TODAY - dt.timedelta(9))
    withdraw_dispute(dispute=closed, by=finance_fanny, on=TODAY - dt.timedelta(days=2))
    client.force_login(finance_fanny)
    page = client.get("/disputes/").content.decode()
    assert page.index("Client Rémi 1") < page.index("Client Sarah 1")  # overdue first
    assert "Client Paul 1" not in page  # closed: not in the default view
    assert "overdue since" in page
    assert "Duplicate invoice" in page  # the resolution times by reason
    owned = client.get(f"/disputes/?owner={rep_sarah.pk}").content.decode()
    assert "Client Sarah 1" in owned
    assert "Client Rémi 1" not in owned
    old = client.get("/disputes/?age=30to60").content.decode()
    assert "Client Rémi 1" in old
    assert "Client Sarah 1" not in old
    by_reason = client.get("/disputes/?reason=price&status=all", HTTP_HX_REQUEST="true")
    assert "Client Sarah 1" in by_reason.content.decode()
    assert "Client Rémi 1" not in by_reason.content.decode()
    assert "<html" not in by_reason.content.decode()  # the rows only
    assert late.pk
    assert fresh.pk


def test_my_disputes_lists_what_i_own(client, portfolios, rep_remi, rep_sarah):
    _dispute(portfolios["remi1"], owner=rep_remi)
    _dispute(portfolios["sarah1"], owner=rep_sarah)
    client.force_login(rep_remi)
    assert client.get("/disputes/").status_code == 302  # a rep has "my disputes"
    page = client.get("/disputes/mine/").content.decode()
    assert "Client Rémi 1" in page
    assert "Client Sarah 1" not in page


def test_the_owner_answers_on_the_dispute_page(client, portfolios, rep_remi, finance_fanny):
    dispute = _dispute(portfolios["remi1"], owner=rep_remi)
    client.force_login(rep_remi)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert 'data-testid="dispute-actions"' in page
    client.post(f"/disputes/{dispute.pk}/status/", {"to": "investigating"})
    client.post(f"/disputes/{dispute.pk}/comment/", {"comment": "Le BL arrive"})
    response = client.post(f"/disputes/{dispute.pk}/status/", {"to": "rejected", "comment": ""})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.INVESTIGATING  # a rejection needs its reason
    client.post(f"/disputes/{dispute.pk}/status/", {"to": "rejected", "comment": "Prix du contrat"})
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED
    history = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "Le BL arrive" in history
    assert "Prix du contrat" in history


def test_someone_else_reads_and_comments_but_does_not_answer(
    client, portfolios, rep_remi, manager_maud
):
    dispute = _dispute(portfolios["remi1"])
    client.force_login(manager_maud)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert 'data-testid="dispute-actions"' not in page
    assert client.post(f"/disputes/{dispute.pk}/status/", {"to": "withdrawn"}).status_code == 404
    assert Dispute.objects.get().status == DisputeStatus.OPEN


def test_a_dispute_outside_the_portfolio_is_a_404(client, portfolios, rep_remi):
    dispute = _dispute(portfolios["paul1"])
    client.force_login(rep_remi)
    assert client.get(f"/disputes/{dispute.pk}/").status_code == 404
    assert client.post(f"/disputes/{dispute.pk}/comment/", {"comment": "x"}).status_code == 404
    paul1 = portfolios["paul1"].pk
    assert client.get(f"/customers/{paul1}/disputes/new/").status_code == 404


def test_a_viewer_has_no_dispute_to_open(client, portfolios, viewer_victor):
    customer = portfolios["remi1"]
    client.force_login(viewer_victor)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="invoice-action"' not in page
    assert 'data-testid="open-dispute"' not in page
    assert client.get(f"/customers/{customer.pk}/disputes/new/").status_code == 404

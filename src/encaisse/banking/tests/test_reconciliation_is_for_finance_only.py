"""Only finance and administrators reconcile; for anyone else the pages do not exist."""

from __future__ import annotations

import pytest

from encaisse.banking.models import BankLine
from encaisse.banking.tests.conftest import CAMT, import_bank


@pytest.fixture
def line(ledger):
    import_bank(CAMT)
    return BankLine.objects.get(bank_reference="0503260001234570")


@pytest.mark.parametrize(
    "who", ["rep_remi", "manager_maud", "agency_manager_anna", "viewer_victor"]
)
def test_anyone_but_finance_gets_a_404_everywhere(client, request, who, line, ledger):
    client.force_login(request.getfixturevalue(who))
    for url in (
        "/bank/reconciliation/",
        f"/bank/lines/{line.pk}/",
        f"/bank/lines/{line.pk}/customers/?q=gar",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/bank/lines/{line.pk}/reconcile/", f"/bank/lines/{line.pk}/ignore/"):
        response = client.post(url, {"customer": ledger["C001"].pk})
        assert response.status_code == 404, url
    line.refresh_from_db()
    assert line.status == "to_reconcile"


@pytest.mark.parametrize("who", ["finance_fanny", "admin_alice"])
def test_finance_and_administrators_see_the_queue_and_the_menu_link(client, request, who, line):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/bank/reconciliation/")
    assert response.status_code == 200
    assert 'href="/bank/reconciliation/"' in response.content.decode()


def test_a_rep_has_no_menu_link(client, rep_remi, line):
    client.force_login(rep_remi)
    assert "/bank/reconciliation/" not in client.get("/customers/").content.decode()


def test_an_anonymous_visitor_is_sent_to_login(client, line):
    response = client.get("/bank/reconciliation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_reconciling_is_a_post(client, finance_fanny, line):
    client.force_login(finance_fanny)
    assert client.get(f"/bank/lines/{line.pk}/reconcile/").status_code == 405

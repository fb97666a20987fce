"""The blocked customers' page and its CSV (for ERPs that read files): finance sees every
blocked customer, a manager those of their team, a rep none (404); `encaisse risk blocked`
prints them all. Finance blocks from the customer page; no one else may."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from encaisse.ledger.models import Customer
from encaisse.risk.blocking import block_customer
from encaisse.risk.models_blocking import Block


@pytest.fixture
def blocked(portfolios, finance_fanny):
    block_customer(customer=portfolios["remi1"], reason="Unpaid since May", by=finance_fanny)
    block_customer(customer=portfolios["paul1"], reason="=HYPERLINK(1)", by=finance_fanny)
    return portfolios


def _csv(client) -> list[dict[str, str]]:
    response = client.get("/risk/blocked/?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_finance_sees_every_blocked_customer_and_the_csv(client, blocked, finance_fanny):
    client.force_login(finance_fanny)
    page = client.get("/risk/blocked/").content.decode()
    assert page.count('data-testid="blocked-row"') == 2
    rows = _csv(client)
    assert [row["external_id"] for row in rows] == ["REMI-1", "PAUL-1"]
    assert rows[0]["reason"] == "Unpaid since May"
    assert rows[0]["blocked_by"] == "fanny"
    assert rows[1]["reason"] == "'=HYPERLINK(1)"  # a spreadsheet never runs it


def test_a_manager_sees_only_the_blocked_customers_of_their_team(client, blocked, manager_maud):
    client.force_login(manager_maud)
    page = client.get("/risk/blocked/").content.decode()
    assert "Client Rémi 1" in page
    assert "Client Paul" not in page
    assert [row["external_id"] for row in _csv(client)] == ["REMI-1"]


def test_a_rep_gets_404_on_the_list_and_on_blocking(client, blocked, rep_remi):
    client.force_login(rep_remi)
    assert client.get("/risk/blocked/").status_code == 404
    remi2 = blocked["remi2"]
    response = client.post(f"/risk/customers/{remi2.pk}/block/", {"reason": "no"})
    assert response.status_code == 404
    assert not Customer.objects.get(pk=remi2.pk).is_blocked


def test_finance_blocks_from_the_customer_page_and_a_missing_reason_is_said(
    client, portfolios, finance_fanny
):
    customer = portfolios["sarah1"]
    client.force_login(finance_fanny)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="block-form"' in page
    assert 'href="#blocking"' in page  # the "Block" action

    response = client.post(f"/risk/customers/{customer.pk}/block/", {"reason": " "}, follow=True)
    assert "reason: say why." in response.content.decode()
    assert not Block.objects.exists()

    response = client.post(
        f"/risk/customers/{customer.pk}/block/", {"reason": "Cheque bounced"}, follow=True
    )
    assert "is blocked; the ERP is told." in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).blocked_reason == "Cheque bounced"


def test_the_command_prints_the_blocked_customers_as_csv_json_or_table(blocked):
    out = io.StringIO()
    call_command("risk", "blocked", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["external_id"] for row in rows] == ["REMI-1", "PAUL-1"]

    out = io.StringIO()
    call_command("risk", "blocked", "--format", "json", stdout=out)
    assert [row["customer"] for row in json.loads(out.getvalue())] == ["REMI-1", "PAUL-1"]

    out = io.StringIO()
    call_command("risk", "blocked", stdout=out)
    assert "Unpaid since May" in out.getvalue()

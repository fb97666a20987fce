"""A blocked customer carries a "Blocked" badge (its reason on hover or tap) on the pages that
show it: the customer list, its page, my day, the disputes; and a ``blocked`` column in the
aged balance exports."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from encaisse.collaboration.services import create_task, open_dispute
from encaisse.risk.blocking import block_customer

BADGE = 'data-testid="blocked-badge"'


@pytest.fixture
def blocked(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="Unpaid since May", by=finance_fanny)
    return customer


def test_the_customer_list_shows_the_badge_with_its_reason(client, blocked, rep_remi):
    client.force_login(rep_remi)
    page = client.get("/customers/").content.decode()
    assert page.count(BADGE) == 2  # the table and the phone's cards, for Rémi 1 only
    assert 'title="Blocked: Unpaid since May"' in page


def test_the_customer_page_says_blocked_why_and_since_when(client, blocked, rep_remi):
    client.force_login(rep_remi)
    page = client.get(f"/customers/{blocked.pk}/").content.decode()
    assert BADGE in page
    assert 'data-testid="blocked-banner"' in page
    assert "Unpaid since May" in page
    assert 'data-testid="blocking-panel"' in page
    assert 'data-testid="block-form"' not in page  # a rep sees, finance decides
    assert 'data-testid="unblock-form"' not in page


def test_my_day_and_the_disputes_show_the_badge(client, blocked, rep_remi, manager_maud):
    invoices = list(blocked.invoices.all())
    create_task(
        customer=blocked,
        kind="call",
        title="Call about F-remi-1",
        due_on=dt.date(2026, 2, 1),
        invoices=invoices,
        assignee=rep_remi,
    )
    open_dispute(customer=blocked, invoices=invoices, reason="price", opened_on=dt.date(2026, 2, 1))
    client.force_login(rep_remi)
    assert BADGE in client.get("/my-day/").content.decode()
    client.force_login(manager_maud)
    assert BADGE in client.get("/disputes/").content.decode()


def test_the_aged_balance_by_customer_has_a_blocked_column(client, blocked, portfolios, rep_remi):
    client.force_login(rep_remi)
    csv_text = client.get("/reports/aged-balance/?export=csv&by=customer").content.decode()
    header, *lines = csv_text.splitlines()
    assert header.endswith(",total,blocked")
    by_key = {line.split(",")[0]: line.split(",")[-1] for line in lines}
    assert by_key["REMI-1"] == "true"
    assert by_key["REMI-2"] == "false"

    document = json.loads(
        client.get("/reports/aged-balance/?export=json&by=customer").content.decode()
    )
    assert {row["key"]: row["blocked"] for row in document["rows"]} == {
        "REMI-1": True,
        "REMI-2": False,
    }
    assert document["totals"][0]["blocked"] is None

    workbook = load_workbook(
        io.BytesIO(client.get("/reports/aged-balance/?export=xlsx&by=customer").content)
    )
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert rows[0][-1] == "blocked"
    assert {row[0]: row[-1] for row in rows[1:-1]} == {"REMI-1": True, "REMI-2": False}

    page = client.get("/reports/aged-balance/?by=customer").content.decode()
    assert page.count(BADGE) == 1


def test_another_grouping_leaves_the_blocked_column_empty(client, blocked, rep_remi):
    client.force_login(rep_remi)
    csv_text = client.get("/reports/aged-balance/?export=csv&by=segment").content.decode()
    assert all(line.endswith(",") for line in csv_text.splitlines()[1:])

"""A rep's weekly e-mail speaks only of their customers; a manager's of their scope, by rep."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command

from encaisse.collaboration.services import create_task
from encaisse.reporting.digest.composing import compose_digest_email
from encaisse.reporting.digest.selectors import portfolio_digest
from encaisse.reporting.tests.conftest import MONDAY


def digest_of(username: str) -> dict:
    out = io.StringIO()
    call_command(
        "digest",
        "send",
        "--dry-run",
        "--user",
        username,
        "--format",
        "json",
        "--as-of",
        MONDAY.isoformat(),
        stdout=out,
    )
    (digest,) = json.loads(out.getvalue())["digests"]
    return digest


def customers_named(digest: dict) -> set[str]:
    lists = ("top_overdue", "promises_due", "disputes", "dunning", "tasks")
    names = {row.get("customer") or row.get("label") for key in lists for row in digest[key]}
    return names | {row["label"] for row in digest["by_rep"]}


def test_a_rep_reads_only_his_customers(week_of_remi, rep_remi, rep_sarah):
    # A task of Sarah's, on her customer, due this week: not in Rémi's list.
    sarah1 = week_of_remi["sarah1"]
    create_task(
        customer=sarah1,
        kind="call",
        title="Call Sarah's customer",
        due_on=MONDAY,
        invoices=list(sarah1.invoices.all()),
        assignee=rep_sarah,
    )
    remi = digest_of("remi")
    assert customers_named(remi) == {"Client Rémi 1", "Client Rémi 2"}
    assert remi["by_rep"] == []
    assert [task["title"] for task in remi["tasks"]] == ["Call about the late invoice"]
    text = compose_digest_email(portfolio_digest(rep_remi, as_of=MONDAY), language="en").text
    assert "Sarah" not in text
    assert "Paul" not in text

    paul = digest_of("paul")
    assert customers_named(paul) == {"Client Paul 1", "Client Paul 2"}
    assert paul["promises_due"] == paul["disputes"] == paul["tasks"] == []


def test_a_sales_manager_reads_her_team_rep_by_rep(week_of_remi, manager_maud):
    maud = digest_of("maud")
    assert [(row["label"], row["total"], row["overdue"]) for row in maud["by_rep"]] == [
        ("Rémi Commercial", "5634.56", "3234.56"),
        ("Sarah Vente", "2000.00", "2000.00"),
    ]
    assert {row["customer"] for row in maud["dunning"]} >= {"Client Rémi 2", "Client Sarah 1"}
    assert not any("Paul" in name for name in customers_named(maud))
    text = compose_digest_email(portfolio_digest(manager_maud, as_of=MONDAY), language="en").text
    assert "By sales rep" in text
    assert "Rémi Commercial: €5,634.56, of which €3,234.56 overdue" in text


def test_an_agency_manager_reads_her_agency_rep_by_rep(week_of_remi, agency_manager_anna):
    anna = digest_of("anna")
    assert [row["label"] for row in anna["by_rep"]] == ["Rémi Commercial", "Sarah Vente"]
    assert not any("Paul" in name for name in customers_named(anna))


def test_a_rep_reads_the_disputes_he_owns_and_his_manager_those_of_the_team(
    week_of_remi, rep_remi, manager_maud, finance_fanny
):
    from encaisse.collaboration.services import open_dispute

    remi1 = week_of_remi["remi1"]
    open_dispute(  # nobody owns it: finance's, not waiting on Rémi
        customer=remi1,
        invoices=list(remi1.invoices.filter(number="F-remi-1")),
        reason="quality",
        opened_on=MONDAY - dt.timedelta(days=5),
        opened_by=finance_fanny,
    )
    remis = [line.customer_name for line in portfolio_digest(rep_remi, as_of=MONDAY).disputes]
    mauds = [line.customer_name for line in portfolio_digest(manager_maud, as_of=MONDAY).disputes]
    assert remis == [week_of_remi["remi2"].name]  # the one he owns
    assert sorted(mauds) == sorted([remi1.name, week_of_remi["remi2"].name])

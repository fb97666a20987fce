"""Sales sees the next 7 days, asks to hold a reminder; finance decides and approves letters."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from encaisse.core.errors import BadInput
from encaisse.dunning.models import ActionState, DunningAction, HoldRequest, HoldStatus
from encaisse.dunning.services.decisions import (
    approve_action,
    cancel_action,
    decide_hold,
    request_hold,
)
from encaisse.dunning.services.runs import execute_dunning_run
from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

TODAY = dt.date(2026, 3, 5)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def remis_customer(dunning_ready, rep_remi, lyon):
    customer = CustomerFactory(
        entity=dunning_ready,
        segment="sme",
        sales_rep=rep_remi,
        agency=lyon,
        external_id="SME-R",
        name="Garage Rémi",
    )
    InvoiceFactory(
        customer=customer,
        number="FA-R1",
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 1),
        amount=Decimal("900.00"),
    )
    return customer


@time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False)
def test_the_rep_sees_the_reminder_coming_on_its_day(client, rep_remi, remis_customer):
    client.force_login(rep_remi)
    page = client.get("/dunning/upcoming/")
    days = page.context["days"]
    assert [(day, [a.step.key for a in actions]) for day, actions in days.items()] == [
        (dt.date(2026, 3, 8), ["reminder_1"])
    ]
    assert "Garage Rémi" in page.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False)
def test_a_hold_asked_by_the_rep_stops_the_reminder_while_finance_decides(
    client, rep_remi, remis_customer, finance_fanny
):
    client.force_login(rep_remi)
    invoice = remis_customer.invoices.get()
    response = client.post(
        f"/dunning/holds/{remis_customer.pk}/",
        {
            "invoices": str(invoice.pk),
            "step": "reminder_1",
            "reason": "Avoir en cours",
            "hold_until": "2026-03-20",
        },
    )
    assert response.status_code == 302
    hold = HoldRequest.objects.get()
    assert hold.status == HoldStatus.PENDING
    assert execute_dunning_run(as_of=dt.date(2026, 3, 8)).actions == []

    decide_hold(hold=hold, approve=False, decided_by=finance_fanny, note="Pas d'avoir prévu")
    assert [line.step for line in execute_dunning_run(as_of=dt.date(2026, 3, 8)).actions] == [
        "reminder_1"
    ]


def test_an_approved_hold_lasts_until_its_date(remis_customer, rep_remi, finance_fanny):
    hold = request_hold(
        customer=remis_customer,
        invoices=list(remis_customer.invoices.all()),
        reason="Paiement promis au salon",
        hold_until=dt.date(2026, 3, 15),
        requested_by=rep_remi,
        today=TODAY,
    )
    decide_hold(hold=hold, approve=True, decided_by=finance_fanny)
    assert execute_dunning_run(as_of=dt.date(2026, 3, 15)).actions == []
    assert len(execute_dunning_run(as_of=dt.date(2026, 3, 16)).actions) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": " "}, "reason"),
        ({"hold_until": dt.date(2026, 3, 1)}, "already past"),
        ({"hold_until": dt.date(2026, 9, 1)}, "90 days"),
        ({"invoices": []}, "at least one invoice"),
    ],
)
def test_a_hold_request_must_say_why_and_until_when(remis_customer, rep_remi, changes, message):
    arguments = {
        "customer": remis_customer,
        "invoices": list(remis_customer.invoices.all()),
        "reason": "ok",
        "hold_until": dt.date(2026, 3, 15),
        "requested_by": rep_remi,
        "today": TODAY,
        **changes,
    }
    with pytest.raises(BadInput, match=message):
        request_hold(**arguments)


def test_only_finance_decides_and_a_refusal_needs_a_note(remis_customer, rep_remi, finance_fanny):
    hold = request_hold(
        customer=remis_customer,
        invoices=list(remis_customer.invoices.all()),
        reason="x",
        hold_until=dt.date(2026, 3, 15),
        requested_by=rep_remi,
        today=TODAY,
    )
    with pytest.raises(BadInput, match="only finance"):
        decide_hold(hold=hold, approve=True, decided_by=rep_remi)
    with pytest.raises(BadInput, match="note"):
        decide_hold(hold=hold, approve=False, decided_by=finance_fanny)


def test_finance_approves_a_formal_notice_or_cancels_it_for_good(
    client, remis_customer, finance_fanny
):
    execute_dunning_run(as_of=dt.date(2026, 4, 20))  # 50 days late: the formal notice
    notice = DunningAction.objects.get(step__key="formal_notice")
    assert notice.state == ActionState.AWAITING_APPROVAL
    client.force_login(finance_fanny)
    assert "Garage Rémi" in client.get("/dunning/approvals/").content.decode()
    client.post(f"/dunning/actions/{notice.pk}/decide/", {"decision": "refuse"})
    notice.refresh_from_db()
    assert notice.state == ActionState.CANCELLED
    assert execute_dunning_run(as_of=dt.date(2026, 4, 21)).actions == []
    with pytest.raises(BadInput):
        approve_action(action=notice, approved_by=finance_fanny)


def test_approval_lets_the_letter_go(remis_customer, finance_fanny, rep_remi):
    execute_dunning_run(as_of=dt.date(2026, 4, 20))
    notice = DunningAction.objects.get(step__key="formal_notice")
    with pytest.raises(BadInput, match="only finance"):
        approve_action(action=notice, approved_by=rep_remi)
    assert approve_action(action=notice, approved_by=finance_fanny).state == ActionState.PLANNED
    with pytest.raises(BadInput, match="does not need"):
        approve_action(action=notice, approved_by=finance_fanny)
    cancel_action(action=notice, cancelled_by=finance_fanny)


def test_reps_do_not_reach_the_approvals_or_the_outbox(client, rep_remi, remis_customer):
    client.force_login(rep_remi)
    for url in ("/dunning/approvals/", "/dunning/outbox/"):
        assert client.get(url).status_code == 404


def test_the_customer_page_shows_what_comes_next_and_what_was_done(
    client, finance_fanny, remis_customer, smtp_inbox
):
    from encaisse.dunning.services.outbox import send_outbox

    execute_dunning_run(as_of=dt.date(2026, 3, 10))
    send_outbox()
    client.force_login(finance_fanny)
    html = client.get(f"/customers/{remis_customer.pk}/").content.decode()
    assert 'data-testid="dunning-panel"' in html
    assert "reminder_1" in html


@time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False)
def test_a_manager_filters_the_next_7_days_by_rep_and_agency(
    client, manager_maud, remis_customer, rep_remi, rep_sarah, lyon, dunning_ready
):
    sarahs = CustomerFactory(
        entity=dunning_ready, segment="sme", sales_rep=rep_sarah, agency=lyon, name="Chez Sarah"
    )
    InvoiceFactory(
        customer=sarahs,
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 1),
        amount=Decimal("400.00"),
    )
    client.force_login(manager_maud)
    both = client.get("/dunning/upcoming/").content.decode()
    assert "Garage Rémi" in both
    assert "Chez Sarah" in both
    only_remi = client.get(f"/dunning/upcoming/?rep={rep_remi.pk}").content.decode()
    assert "Garage Rémi" in only_remi
    assert "Chez Sarah" not in only_remi
    by_agency = client.get(f"/dunning/upcoming/?agency={lyon.pk}").content.decode()
    assert "Chez Sarah" in by_agency


@time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS), tick=False)
def test_a_rep_filtering_on_another_rep_sees_nothing_more(
    client, rep_remi, remis_customer, rep_sarah
):
    client.force_login(rep_remi)
    page = client.get(f"/dunning/upcoming/?rep={rep_sarah.pk}").content.decode()
    assert "Garage Rémi" not in page


def test_a_hold_request_never_sends_the_rep_to_another_site(client, rep_remi, entity):
    from encaisse.ledger.tests.factories import CustomerFactory

    customer = CustomerFactory(entity=entity, sales_rep=rep_remi)
    client.force_login(rep_remi)
    response = client.post(
        f"/dunning/holds/{customer.pk}/",
        {"reason": "", "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post(
        f"/dunning/holds/{customer.pk}/", {"reason": "", "next": f"/customers/{customer.pk}/"}
    )
    assert response["Location"] == f"/customers/{customer.pk}/"

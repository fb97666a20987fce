"""A rep asks finance for a new credit limit with a justification; finance approves it,
counter-proposes another amount or refuses it. The limit changes through the one service
that changes limits (recorded like any change), the requester and finance hear of it, the
timeline tells the story and the ERP hears by webhook. Bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification
from encaisse.core.errors import BadInput
from encaisse.ledger.models import CustomerChange
from encaisse.risk.limit_requests import decide_limit_request, request_limit
from encaisse.risk.limits import limit_status
from encaisse.risk.limits_timeline import limit_events
from encaisse.risk.models_limits import LimitChange, LimitRequest
from encaisse.webhooks.models import Event
from encaisse.webhooks.services import create_subscription

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 9)


@pytest.fixture
def erp(settings, admin_alice):
    settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    return create_subscription(
        name="ERP", url="http://127.0.0.1:9/hook", events=["*"], created_by=admin_alice
    )


@pytest.fixture
def english(rep_remi, finance_fanny, agency_manager_anna):
    for person in (rep_remi, finance_fanny, agency_manager_anna):
        person.language = "en"
        person.save(update_fields=["language"])


def ask(customer, rep, **changes):
    arguments = {
        "amount": Decimal("80000.00"),
        "justification": "New warehouse, orders doubling",
        "today": TODAY,
    }
    return request_limit(customer=customer, requested_by=rep, **{**arguments, **changes})


def test_an_approved_request_sets_the_limit_and_everyone_hears(
    portfolios, rep_remi, finance_fanny, erp, english
):
    customer = portfolios["remi1"]
    request = ask(customer, rep_remi)
    [told] = Notification.objects.filter(recipient=finance_fanny)
    assert told.title == "Credit limit asked for Client Rémi 1"
    assert told.url == f"/customers/{customer.pk}/#credit-limits"
    asked = Event.objects.get(name="limit.requested")
    assert asked.payload["amount"] == "80000.00"
    assert asked.payload["current_limit"] == "50000.00"
    assert asked.payload["customer_external_id"] == "REMI-1"

    decide_limit_request(
        request=request, decided_by=finance_fanny, decision="approved", today=TODAY
    )
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("80000.00")
    change = CustomerChange.objects.get(customer=customer, field="credit_limit")
    assert (change.before, change.after, change.changed_by) == (
        "50000.00",
        "80000.00",
        finance_fanny,
    )
    [decided] = Notification.objects.filter(recipient=rep_remi)
    assert decided.title == "Credit limit approved for Client Rémi 1"
    assert Event.objects.get(name="limit.decided").payload["status"] == "approved"
    titles = [event.title for event in limit_events(customer, finance_fanny)]
    assert titles == ["Credit limit asked: €80,000.00", "Credit limit approved"]


def test_a_counter_proposal_sets_a_temporary_limit(
    portfolios, agency_manager_anna, finance_fanny, english
):
    customer = portfolios["sarah1"]
    request = ask(customer, agency_manager_anna, temporary_until=TODAY + dt.timedelta(days=60))
    decide_limit_request(
        request=request,
        decided_by=finance_fanny,
        decision="countered",
        amount=Decimal("65000.00"),
        until=TODAY + dt.timedelta(days=30),
        note="Half the way, for a month",
        today=TODAY,
    )
    status = limit_status(customer, as_of=TODAY)
    assert status.limit == Decimal("65000.00")
    assert status.permanent_limit == Decimal("50000.00")
    assert limit_status(customer, as_of=TODAY + dt.timedelta(days=31)).limit == Decimal("50000.00")
    assert set(LimitChange.objects.values_list("field", flat=True)) == {
        "temporary_limit",
        "temporary_until",
    }
    [told] = Notification.objects.filter(recipient=agency_manager_anna)
    assert told.title == "Another credit limit proposed for Client Sarah 1"
    assert told.body == "€65,000.00 instead of €80,000.00 · Half the way, for a month"


def test_a_refusal_needs_a_reason_and_changes_no_limit(portfolios, rep_remi, finance_fanny):
    customer = portfolios["remi1"]
    request = ask(customer, rep_remi)
    with pytest.raises(BadInput, match="note: say why"):
        decide_limit_request(
            request=request, decided_by=finance_fanny, decision="refused", today=TODAY
        )
    decide_limit_request(
        request=request,
        decided_by=finance_fanny,
        decision="refused",
        note="Pays late already",
        today=TODAY,
    )
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("50000.00")
    assert LimitRequest.objects.get().status == "refused"
    with pytest.raises(BadInput, match="already decided"):
        decide_limit_request(
            request=request, decided_by=finance_fanny, decision="approved", today=TODAY
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": Decimal("-1.00")}, "amount: a credit limit cannot be negative"),
        ({"amount": None}, "amount: give the limit asked"),
        ({"temporary_until": TODAY - dt.timedelta(days=1)}, "until: the end date is in the past"),
        ({"justification": "  "}, "justification: say why"),
    ],
)
def test_bad_requests_are_refused_and_record_nothing(portfolios, rep_remi, changes, message):
    with pytest.raises(BadInput, match=message):
        ask(portfolios["remi1"], rep_remi, **changes)
    assert not LimitRequest.objects.exists()
    assert not Notification.objects.exists()


def test_a_rep_cannot_ask_for_a_customer_outside_their_portfolio(portfolios, rep_remi):
    with pytest.raises(BadInput, match="customer: not in your portfolio"):
        ask(portfolios["paul1"], rep_remi)
    assert not LimitRequest.objects.exists()


def test_only_finance_decides(portfolios, rep_remi, manager_maud):
    request = ask(portfolios["remi1"], rep_remi)
    with pytest.raises(BadInput, match="you may not decide"):
        decide_limit_request(
            request=request, decided_by=manager_maud, decision="approved", today=TODAY
        )
    assert LimitRequest.objects.get().is_pending

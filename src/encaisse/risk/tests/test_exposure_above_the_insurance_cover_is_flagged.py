"""Finance records a customer's credit-insurance cover (each version kept); the exposure above
the cover that counts today is flagged on the customer page and given set-based to whoever
needs it (``uncovered_exposure``); covers that end within 30 days are listed for finance and
told to finance once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from encaisse.collaboration.models import Notification
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.risk.models import InsuranceCover
from encaisse.risk.ratings import expiring_covers, record_cover, uncovered_exposure
from encaisse.risk.tasks_ratings import announce_expiring_covers_task

TODAY = dt.date(2026, 3, 1)


def cover(
    customer, user, amount: str, *, kind="permanent", expires_on=None, insurer="Allianz Trade"
):
    return record_cover(
        customer=customer,
        recorded_by=user,
        insurer="Allianz Trade",
        amount=Decimal(amount),
        kind=kind,
        expires_on=expires_on,
        today=TODAY,
    )


def uncovered(customers, day=TODAY) -> dict[str, Decimal]:
    rows = uncovered_exposure(Customer.objects.filter(pk__in=[c.pk for c in customers]), today=day)
    return {row.external_id: row.uncovered for row in rows}


def test_exposure_above_cover_is_outstanding_less_cover_never_below_zero(portfolios, finance_fanny):
    remi1, remi2, sarah1 = portfolios["remi1"], portfolios["remi2"], portfolios["sarah1"]
    cover(remi1, finance_fanny, "400")  # outstanding 1,000
    cover(remi2, finance_fanny, "5000")
    assert uncovered([remi1, remi2, sarah1]) == {
        "REMI-1": Decimal("600.00"),
        "REMI-2": Decimal("0.00"),
        "SARAH-1": Decimal("1000.00"),  # no cover at all
    }


def test_the_latest_version_counts_until_its_expiry(portfolios, finance_fanny):
    remi1 = portfolios["remi1"]
    cover(remi1, finance_fanny, "900")
    cover(remi1, finance_fanny, "300", kind="temporary", expires_on=dt.date(2026, 3, 20))
    assert uncovered([remi1]) == {"REMI-1": Decimal("700.00")}
    assert uncovered([remi1], dt.date(2026, 3, 21)) == {"REMI-1": Decimal("1000.00")}
    assert InsuranceCover.objects.filter(customer=remi1).count() == 2  # history kept
    cover(remi1, finance_fanny, "0")  # withdrawn
    assert uncovered([remi1]) == {"REMI-1": Decimal("1000.00")}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"insurer": " "}, "Insurer"),
        ({"amount": Decimal("-1")}, "Amount covered"),
        ({"kind": "temporary", "expires_on": None}, "a temporary cover has an end date"),
        ({"expires_on": dt.date(2026, 2, 1)}, "already past"),
    ],
)
def test_a_bad_cover_is_refused_naming_the_field(portfolios, finance_fanny, arguments, message):
    values = {
        "insurer": "Coface",
        "amount": Decimal("100"),
        "kind": "permanent",
        "expires_on": None,
    }
    with pytest.raises(BadInput, match=message):
        record_cover(
            customer=portfolios["remi1"],
            recorded_by=finance_fanny,
            today=TODAY,
            **{**values, **arguments},
        )
    assert not InsuranceCover.objects.exists()


def test_finance_records_the_cover_on_the_page_and_the_excess_is_flagged(
    client, portfolios, finance_fanny, rep_remi
):
    remi1 = portfolios["remi1"]
    client.force_login(finance_fanny)
    page = client.get(f"/customers/{remi1.pk}/").content.decode()
    assert 'data-testid="record-cover"' in page
    response = client.post(
        f"/risk/customers/{remi1.pk}/cover/",
        {"insurer": "Coface", "amount": "250,00", "kind": "permanent", "reference": "POL-9"},
    )
    assert response.status_code == 302
    assert InsuranceCover.objects.get().amount == Decimal("250.00")
    page = client.get(f"/customers/{remi1.pk}/").content.decode()
    assert 'data-testid="above-cover"' in page
    client.force_login(rep_remi)  # the rep sees the cover and the flag, not the form
    page = client.get(f"/customers/{remi1.pk}/").content.decode()
    assert "Coface" in page
    assert 'data-testid="above-cover"' in page
    assert 'data-testid="record-cover"' not in page
    assert client.get(f"/risk/customers/{remi1.pk}/cover/").status_code == 404


def test_a_bad_cover_on_the_page_says_why_and_records_nothing(client, portfolios, finance_fanny):
    client.force_login(finance_fanny)
    response = client.post(
        f"/risk/customers/{portfolios['remi1'].pk}/cover/",
        {"insurer": "Coface", "amount": "1000", "kind": "temporary"},
    )
    assert response.status_code == 400
    assert "a temporary cover has an end date" in response.content.decode()
    assert not InsuranceCover.objects.exists()


def test_covers_ending_within_30_days_are_listed_and_told_to_finance_once(
    client, portfolios, finance_fanny, rep_remi
):
    ending = cover(portfolios["remi1"], finance_fanny, "500", kind="temporary",
                   expires_on=dt.date(2026, 3, 25))  # fmt: skip
    cover(portfolios["remi2"], finance_fanny, "500", expires_on=dt.date(2026, 6, 1))
    assert list(expiring_covers(today=TODAY)) == [ending]
    announce_expiring_covers_task(as_of="2026-03-01")
    announce_expiring_covers_task(as_of="2026-03-01")
    announce_expiring_covers_task(as_of="2026-03-02")
    [told] = Notification.objects.filter(recipient=finance_fanny)
    assert told.title == "1 credit-insurance cover ends within 30 days"
    assert "Client Rémi 1" in told.body
    assert not Notification.objects.filter(recipient=rep_remi).exists()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(finance_fanny)
        page = client.get("/risk/covers/expiring/").content.decode()
        assert "Client Rémi 1" in page
        assert "Client Rémi 2" not in page
        client.force_login(rep_remi)
        assert client.get("/risk/covers/expiring/").status_code == 404


def test_the_panel_says_when_the_cover_ends_within_30_days(client, portfolios, finance_fanny):
    remi1 = portfolios["remi1"]
    cover(remi1, finance_fanny, "5000", kind="temporary", expires_on=dt.date(2026, 3, 20))
    client.force_login(finance_fanny)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/customers/{remi1.pk}/").content.decode()
    assert 'data-testid="cover-ends-soon"' in page
    assert 'data-testid="above-cover"' not in page  # 1,000 outstanding, 5,000 covered
    with time_machine.travel(dt.datetime(2026, 3, 21, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/customers/{remi1.pk}/").content.decode()
    assert "Cover expired" in page

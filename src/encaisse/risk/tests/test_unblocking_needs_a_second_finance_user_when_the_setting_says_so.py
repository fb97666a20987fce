"""With ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL, unblocking is a request that another finance
user approves or refuses; the requester cannot decide their own."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Notification
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.ledger.tests.factories import UserFactory
from encaisse.risk.blocking import block_customer, decide_unblock_request, unblock_customer
from encaisse.risk.models_blocking import UnblockRequest, UnblockStatus


@pytest.fixture(autouse=True)
def _second_approval(settings):
    settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL = True


@pytest.fixture
def finance_felix(db):
    return UserFactory(username="felix", role="finance", first_name="Félix")


@pytest.fixture
def blocked(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="Unpaid since May", by=finance_fanny)
    return customer


def test_unblocking_asks_another_finance_user_and_the_customer_stays_blocked(
    blocked, finance_fanny, finance_felix
):
    asked = unblock_customer(customer=blocked, by=finance_fanny, reason="Paid in full")

    assert isinstance(asked, UnblockRequest)
    assert asked.status == UnblockStatus.PENDING
    assert Customer.objects.get(pk=blocked.pk).is_blocked
    to_approve = Notification.objects.filter(title="To approve: unblock Client Rémi 1")
    assert list(to_approve.values_list("recipient__username", flat=True)) == ["felix"]


def test_the_requester_cannot_approve_their_own_request(blocked, finance_fanny):
    asked = unblock_customer(customer=blocked, by=finance_fanny, reason="Paid in full")
    with pytest.raises(BadInput, match="cannot decide your own request"):
        decide_unblock_request(unblock_request=asked, by=finance_fanny, approve=True)
    asked.refresh_from_db()
    assert asked.status == UnblockStatus.PENDING
    assert Customer.objects.get(pk=blocked.pk).is_blocked


def test_another_finance_user_approves_and_the_customer_is_unblocked(
    blocked, finance_fanny, finance_felix, rep_remi
):
    asked = unblock_customer(customer=blocked, by=finance_fanny, reason="Paid in full")

    decide_unblock_request(unblock_request=asked, by=finance_felix, approve=True)

    asked.refresh_from_db()
    assert asked.status == UnblockStatus.APPROVED
    assert asked.decided_by == finance_felix
    customer = Customer.objects.get(pk=blocked.pk)
    assert not customer.is_blocked
    block = asked.block
    block.refresh_from_db()
    assert block.unblocked_by == finance_felix
    assert block.unblock_reason == "Paid in full"
    told = Notification.objects.filter(title="Unblocked: Client Rémi 1")
    assert set(told.values_list("recipient__username", flat=True)) == {"fanny", "remi"}


def test_a_refusal_keeps_the_block_and_tells_the_requester(blocked, finance_fanny, finance_felix):
    asked = unblock_customer(customer=blocked, by=finance_fanny, reason="Paid in full")

    decide_unblock_request(unblock_request=asked, by=finance_felix, approve=False)

    asked.refresh_from_db()
    assert asked.status == UnblockStatus.REFUSED
    assert Customer.objects.get(pk=blocked.pk).is_blocked
    assert Notification.objects.filter(
        recipient=finance_fanny, title="Unblocking refused: Client Rémi 1"
    ).exists()
    with pytest.raises(BadInput, match="already decided"):
        decide_unblock_request(unblock_request=asked, by=finance_felix, approve=True)


def test_a_second_request_while_one_waits_is_refused(blocked, finance_fanny, finance_felix):
    unblock_customer(customer=blocked, by=finance_fanny, reason="Paid in full")
    with pytest.raises(BadInput, match="already waiting"):
        unblock_customer(customer=blocked, by=finance_felix, reason="Paid, really")
    assert UnblockRequest.objects.count() == 1


def test_the_pages_let_the_other_finance_user_approve(
    client, blocked, finance_fanny, finance_felix
):
    client.force_login(finance_fanny)
    response = client.post(f"/risk/customers/{blocked.pk}/unblock/", {"reason": "Paid"})
    assert response.status_code == 302
    page = client.get(f"/customers/{blocked.pk}/").content.decode()
    assert 'data-testid="unblock-pending"' in page
    assert 'data-testid="approve-unblock"' not in page  # not hers to approve
    asked = UnblockRequest.objects.get()
    client.post(f"/risk/unblock-requests/{asked.pk}/decide/", {"decision": "approve"})
    assert Customer.objects.get(pk=blocked.pk).is_blocked  # refused: her own request

    client.force_login(finance_felix)
    page = client.get(f"/customers/{blocked.pk}/").content.decode()
    assert 'data-testid="approve-unblock"' in page
    client.post(f"/risk/unblock-requests/{asked.pk}/decide/", {"decision": "approve"})
    assert not Customer.objects.get(pk=blocked.pk).is_blocked

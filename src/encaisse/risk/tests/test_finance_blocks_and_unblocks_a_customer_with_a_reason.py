"""Finance blocks a customer with a reason and unblocks it; the customer's state, the
history, the rep and finance are told; bad input changes nothing."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Notification
from encaisse.core.errors import BadInput
from encaisse.ledger.models import Customer
from encaisse.risk.blocking import block_customer, unblock_customer
from encaisse.risk.models_blocking import Block
from encaisse.risk.timeline_blocking import blocking_events


@pytest.fixture(autouse=True)
def _unblocking_is_direct(settings):
    settings.ENCAISSE_UNBLOCK_NEEDS_SECOND_APPROVAL = False


def test_finance_blocks_a_customer_and_the_rep_and_finance_are_told(
    portfolios, finance_fanny, admin_alice, rep_remi
):
    customer = portfolios["remi1"]
    block = block_customer(customer=customer, reason="  Unpaid since May  ", by=finance_fanny)

    customer.refresh_from_db()
    assert customer.is_blocked
    assert customer.blocked_since == block.blocked_at
    assert customer.blocked_reason == "Unpaid since May"
    assert block.blocked_by == finance_fanny
    assert block.rule == ""
    told = Notification.objects.filter(customer=customer)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["alice", "remi"]
    assert told.get(recipient=rep_remi).title == "Blocked: Client Rémi 1"


def test_finance_unblocks_it_and_the_history_keeps_both(portfolios, finance_fanny, rep_remi):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="Unpaid since May", by=finance_fanny)

    lifted = unblock_customer(customer=customer, by=finance_fanny, reason="Paid in full")

    customer.refresh_from_db()
    assert not customer.is_blocked
    assert customer.blocked_reason == ""
    assert isinstance(lifted, Block)
    assert lifted.unblocked_by == finance_fanny
    assert lifted.unblock_reason == "Paid in full"
    assert Notification.objects.filter(recipient=rep_remi, title="Unblocked: Client Rémi 1")
    kinds = sorted(event.kind for event in blocking_events(customer, finance_fanny))
    assert kinds == ["blocked", "unblocked"]


def test_a_customer_may_be_blocked_again_after_it_was_unblocked(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="first", by=finance_fanny)
    unblock_customer(customer=customer, by=finance_fanny, reason="paid")
    block_customer(customer=customer, reason="second", by=finance_fanny)
    assert Block.objects.filter(customer=customer).count() == 2
    customer.refresh_from_db()
    assert customer.blocked_reason == "second"


def test_blocking_without_a_reason_changes_nothing(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    with pytest.raises(BadInput, match="reason: say why"):
        block_customer(customer=customer, reason="   ", by=finance_fanny)
    assert not Customer.objects.get(pk=customer.pk).is_blocked
    assert not Block.objects.exists()
    assert not Notification.objects.exists()


def test_blocking_a_blocked_customer_is_refused(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="first", by=finance_fanny)
    with pytest.raises(BadInput, match="already blocked"):
        block_customer(customer=customer, reason="again", by=finance_fanny)
    assert Block.objects.count() == 1


def test_unblocking_a_customer_that_is_not_blocked_is_refused(portfolios, finance_fanny):
    with pytest.raises(BadInput, match="is not blocked"):
        unblock_customer(customer=portfolios["remi1"], by=finance_fanny, reason="why not")


def test_unblocking_without_a_reason_is_refused(portfolios, finance_fanny):
    customer = portfolios["remi1"]
    block_customer(customer=customer, reason="first", by=finance_fanny)
    with pytest.raises(BadInput, match="say why"):
        unblock_customer(customer=customer, by=finance_fanny, reason="")
    assert Customer.objects.get(pk=customer.pk).is_blocked


def test_a_rep_or_a_manager_may_not_block(portfolios, rep_remi, manager_maud):
    for person in (rep_remi, manager_maud):
        with pytest.raises(BadInput, match="Only finance"):
            block_customer(customer=portfolios["remi1"], reason="looks bad", by=person)
    assert not Block.objects.exists()

"""A dispute goes open → investigating → resolved by credit note | rejected | withdrawn, by
finance or its owner, each change kept with who and when; a move it may not make, or made
on a status that changed meanwhile, is refused and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from encaisse.collaboration.models import Dispute, DisputeEventKind, DisputeStatus
from encaisse.collaboration.services_disputes import (
    assign_dispute,
    comment_dispute,
    open_dispute,
    reject_dispute,
    start_investigation,
    withdraw_dispute,
)
from encaisse.core.errors import BadInput

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 5)


@pytest.fixture
def dispute(portfolios, rep_remi):
    customer = portfolios["remi1"]
    return open_dispute(
        customer=customer,
        invoices=list(customer.invoices.all()),
        reason="price",
        opened_on=TODAY,
        opened_by=rep_remi,
        note="Remise annuelle non déduite",
    )


def test_a_dispute_opens_with_a_due_date_and_its_first_history_line(dispute, rep_remi):
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.due_on == TODAY + dt.timedelta(days=30)
    assert dispute.owner is None  # finance's
    (event,) = dispute.events.all()
    assert (event.kind, event.by, event.on) == (DisputeEventKind.OPENED, rep_remi, TODAY)


def test_finance_investigates_then_rejects_and_the_history_says_who_and_when(
    dispute, finance_fanny
):
    start_investigation(dispute=dispute, by=finance_fanny, on=TODAY)
    later = TODAY + dt.timedelta(days=4)
    reject_dispute(dispute=dispute, by=finance_fanny, on=later, comment="Tarif contractuel")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED
    assert (dispute.resolved_on, dispute.resolved_by) == (later, finance_fanny)
    moves = [
        (e.from_value, e.to_value, e.by, e.on, e.comment)
        for e in dispute.events.filter(kind=DisputeEventKind.STATUS)
    ]
    assert moves == [
        ("open", "investigating", finance_fanny, TODAY, ""),
        ("investigating", "rejected", finance_fanny, later, "Tarif contractuel"),
    ]


def test_a_closed_dispute_moves_no_more(dispute, finance_fanny):
    withdraw_dispute(dispute=dispute, by=finance_fanny, on=TODAY)
    with pytest.raises(BadInput, match="status"):
        start_investigation(dispute=dispute, by=finance_fanny, on=TODAY)
    assert Dispute.objects.get().status == DisputeStatus.WITHDRAWN


def test_two_clicks_at_once_one_wins_the_other_is_told(dispute, finance_fanny, manager_maud):
    seen_by_fanny = Dispute.objects.get(pk=dispute.pk)
    seen_by_the_owner = Dispute.objects.get(pk=dispute.pk)  # the same page, open twice
    withdraw_dispute(dispute=seen_by_fanny, by=finance_fanny, on=TODAY)
    with pytest.raises(BadInput, match="changed meanwhile"):
        reject_dispute(dispute=seen_by_the_owner, by=finance_fanny, on=TODAY, comment="Non")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.WITHDRAWN
    assert dispute.events.filter(kind=DisputeEventKind.STATUS).count() == 1


def test_a_rejection_needs_a_reason(dispute, finance_fanny):
    with pytest.raises(BadInput, match="comment"):
        reject_dispute(dispute=dispute, by=finance_fanny, on=TODAY, comment=" ")
    assert Dispute.objects.get().status == DisputeStatus.OPEN


def test_the_owner_may_move_it_others_may_not(dispute, finance_fanny, rep_remi, rep_sarah):
    with pytest.raises(PermissionDenied):
        start_investigation(dispute=dispute, by=rep_remi, on=TODAY)
    assign_dispute(dispute=dispute, owner=rep_remi, by=finance_fanny, on=TODAY)
    start_investigation(dispute=dispute, by=rep_remi, on=TODAY)
    assert Dispute.objects.get().status == DisputeStatus.INVESTIGATING
    with pytest.raises(PermissionDenied):
        withdraw_dispute(dispute=dispute, by=rep_sarah, on=TODAY)


def test_an_owner_must_see_the_customer(dispute, finance_fanny, rep_paul, viewer_victor):
    with pytest.raises(BadInput, match="owner"):
        assign_dispute(dispute=dispute, owner=rep_paul, by=finance_fanny, on=TODAY)
    assert Dispute.objects.get().owner is None
    # Someone of another department (who sees every customer, reading only) may own it,
    # and then answer it.
    assign_dispute(dispute=dispute, owner=viewer_victor, by=finance_fanny, on=TODAY)
    assert Dispute.objects.get().owner == viewer_victor
    comment_dispute(dispute=dispute, by=viewer_victor, on=TODAY, comment="Livraison vérifiée")
    start_investigation(dispute=dispute, by=viewer_victor, on=TODAY)
    assert Dispute.objects.get().status == DisputeStatus.INVESTIGATING


def test_anyone_who_works_the_customer_comments_a_viewer_does_not(dispute, rep_remi, viewer_victor):
    comment_dispute(dispute=dispute, by=rep_remi, on=TODAY, comment="Le client rappelle lundi")
    assert dispute.events.filter(kind=DisputeEventKind.COMMENT).count() == 1
    with pytest.raises(PermissionDenied):
        comment_dispute(dispute=dispute, by=viewer_victor, on=TODAY, comment="Vu")

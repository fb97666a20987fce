"""A note on a customer mentions only people who see that customer: an outsider or an
unknown name refuses the whole note (nothing saved, no one told); whoever is mentioned is
told once, with a link to the note, and finds it among the notes mentioning them."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Note, NoteMention, Notification
from encaisse.collaboration.notes import write_note
from encaisse.collaboration.notes_selectors import notes_mentioning
from encaisse.core.errors import BadInput

pytestmark = pytest.mark.django_db


def test_mentioning_a_rep_who_may_not_see_the_customer_is_refused_naming_him(
    portfolios, rep_remi, rep_paul
):
    with pytest.raises(BadInput) as refused:
        write_note(
            customer=portfolios["remi1"],
            author=rep_remi,
            body="@paul do you know them? They moved to Marseille.",
        )
    assert "Paul Sud (@paul)" in str(refused.value)
    assert "Client Rémi 1" in str(refused.value)
    assert not Note.objects.exists()
    assert not Notification.objects.exists()


def test_an_unknown_name_is_refused(portfolios, rep_remi):
    with pytest.raises(BadInput, match="@nobody"):
        write_note(customer=portfolios["remi1"], author=rep_remi, body="ask @nobody")
    assert not Note.objects.exists()


def test_an_inactive_user_cannot_be_mentioned(portfolios, rep_remi, rep_sarah, manager_maud):
    manager_maud.is_active = False
    manager_maud.save()
    with pytest.raises(BadInput, match="@maud"):
        write_note(customer=portfolios["remi1"], author=rep_remi, body="@maud look")


def test_one_outsider_among_insiders_refuses_the_whole_note(
    portfolios, rep_remi, manager_maud, finance_fanny, rep_sarah
):
    with pytest.raises(BadInput) as refused:
        write_note(
            customer=portfolios["remi1"],
            author=rep_remi,
            body="@maud @fanny @sarah: the customer disputes the price",
        )
    assert "@sarah" in str(refused.value)
    assert "@maud" not in str(refused.value)
    assert not Note.objects.exists()
    assert not Notification.objects.exists()


def test_those_who_see_the_customer_are_told_once_with_a_link_to_the_note(
    portfolios, rep_remi, manager_maud, finance_fanny, agency_manager_anna
):
    customer = portfolios["remi1"]
    note = write_note(
        customer=customer,
        author=rep_remi,
        body="@Maud, @fanny and @anna: they will pay on Friday. Thanks @maud.",
    )
    mentioned = set(NoteMention.objects.filter(note=note).values_list("user__username", flat=True))
    assert mentioned == {"maud", "fanny", "anna"}
    for user in (manager_maud, finance_fanny, agency_manager_anna):
        notification = Notification.objects.get(recipient=user)
        assert notification.customer == customer
        assert notification.url == f"/customers/{customer.pk}/#note-{note.pk}"
        assert "Rémi Commercial" in notification.title
        assert "Client Rémi 1" in notification.title
        assert "they will pay on Friday" in notification.body
    assert not Notification.objects.filter(recipient=rep_remi).exists()
    assert notes_mentioning(manager_maud) == [note]
    assert notes_mentioning(rep_remi) == []


def test_mentioning_oneself_tells_no_one(portfolios, rep_remi):
    write_note(customer=portfolios["remi1"], author=rep_remi, body="reminder to @remi: call back")
    assert not Notification.objects.exists()


def test_an_email_address_is_not_a_mention(portfolios, rep_remi):
    note = write_note(
        customer=portfolios["remi1"], author=rep_remi, body="write to compta@sarah.fr"
    )
    assert not note.mentions.exists()


def test_a_mentioned_rep_no_longer_finds_a_note_once_the_customer_leaves_his_portfolio(
    portfolios, rep_remi, rep_sarah, finance_fanny
):
    customer = portfolios["remi1"]
    write_note(customer=customer, author=finance_fanny, body="@remi please call them")
    assert len(notes_mentioning(rep_remi)) == 1
    customer.sales_rep = rep_sarah
    customer.save()
    assert notes_mentioning(rep_remi) == []


def test_a_note_must_say_something_and_be_about_this_customers_invoice(portfolios, rep_remi):
    customer = portfolios["remi1"]
    with pytest.raises(BadInput, match="Note"):
        write_note(customer=customer, author=rep_remi, body="   \n ")
    with pytest.raises(BadInput, match="F-sarah-1"):
        write_note(
            customer=customer,
            author=rep_remi,
            body="about that invoice",
            invoice=portfolios["sarah1"].invoices.get(),
        )
    assert not Note.objects.exists()


def test_no_one_writes_a_note_on_a_customer_outside_their_portfolio_nor_as_a_viewer(
    portfolios, rep_paul, viewer_victor
):
    for author in (rep_paul, viewer_victor):
        with pytest.raises(BadInput):
            write_note(customer=portfolios["remi1"], author=author, body="hello")
    assert not Note.objects.exists()


def test_a_note_about_a_dispute_is_about_one_of_this_customers(portfolios, rep_remi):
    import datetime as dt

    from encaisse.collaboration.services import open_dispute

    customer, other = portfolios["remi1"], portfolios["remi2"]
    dispute = open_dispute(
        customer=customer,
        invoices=list(customer.invoices.all()),
        reason="price",
        opened_on=dt.date(2026, 3, 1),
    )
    note = write_note(customer=customer, author=rep_remi, body="the price", dispute=dispute)
    assert list(dispute.notes.all()) == [note]
    with pytest.raises(BadInput, match="Dispute"):
        write_note(customer=other, author=rep_remi, body="x", dispute=dispute)

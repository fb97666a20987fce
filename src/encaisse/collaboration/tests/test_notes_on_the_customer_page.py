"""The customer page has a notes panel: anyone who sees the customer and works on it
writes there (htmx swaps the panel, or the page reloads without JavaScript), notes about an
invoice say so, the timeline shows each note, and "notes mentioning me" lists mine."""

from __future__ import annotations

import pytest

from encaisse.collaboration.models import Note, Notification
from encaisse.collaboration.notes import write_note

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_rep_writes_a_note_with_a_mention_from_the_customer_page(
    client, portfolios, rep_remi, manager_maud
):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="notes-panel"' in page
    assert f'data-mention-url="/customers/{customer.pk}/notes/mentions/"' in page
    invoice = customer.invoices.get()
    response = client.post(
        f"/customers/{customer.pk}/notes/",
        {"body": "**@maud** they dispute F-remi-1's price", "invoice": invoice.pk},
        **HTMX,
    )
    assert response.status_code == 200
    card = response.content.decode()
    note = Note.objects.get()
    assert note.invoice == invoice
    assert f'id="note-{note.pk}"' in card
    assert '<strong><span class="mention">@maud</span></strong>' in card
    assert "invoice F-remi-1" in card
    assert Notification.objects.filter(recipient=manager_maud).count() == 1


def test_a_refused_mention_comes_back_in_the_box_with_the_text(
    client, portfolios, rep_remi, rep_paul
):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    response = client.post(f"/customers/{customer.pk}/notes/", {"body": "@paul knows them"}, **HTMX)
    card = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="note-error"' in card
    assert "Paul Sud (@paul)" in card
    assert "@paul knows them</textarea>" in card
    assert not Note.objects.exists()


def test_without_javascript_the_page_comes_back_to_the_note(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    client.force_login(rep_remi)
    response = client.post(f"/customers/{customer.pk}/notes/", {"body": "plain post"})
    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/#note-{note.pk}"


def test_a_viewer_reads_notes_but_writes_none(client, portfolios, rep_remi, viewer_victor):
    customer = portfolios["remi1"]
    write_note(customer=customer, author=rep_remi, body="They pay on Friday.")
    client.force_login(viewer_victor)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "They pay on Friday." in page
    assert 'data-testid="note-form"' not in page
    response = client.post(f"/customers/{customer.pk}/notes/", {"body": "me too"})
    assert response.status_code == 404
    assert Note.objects.count() == 1


def test_no_one_writes_on_a_customer_outside_their_portfolio(client, portfolios, rep_remi):
    client.force_login(rep_remi)
    response = client.post(f"/customers/{portfolios['paul1'].pk}/notes/", {"body": "hi"})
    assert response.status_code == 404
    assert not Note.objects.exists()


def test_the_author_changes_then_withdraws_a_note_from_the_panel(
    client, portfolios, rep_remi, manager_maud
):
    customer = portfolios["remi1"]
    note = write_note(customer=customer, author=rep_remi, body="They pay on Friday.")
    client.force_login(manager_maud)
    assert client.post(f"/notes/{note.pk}/edit/", {"body": "hijack"}, **HTMX).status_code == 200
    note.refresh_from_db()
    assert note.body == "They pay on Friday."
    client.force_login(rep_remi)
    card = client.post(f"/notes/{note.pk}/edit/", {"body": "They pay on Monday."}, **HTMX)
    assert "They pay on Monday." in card.content.decode()
    assert "History (2 versions)" in card.content.decode()
    card = client.post(f"/notes/{note.pk}/withdraw/", **HTMX).content.decode()
    assert 'data-testid="note-withdrawn"' in card
    assert "They pay on Friday." in card  # in its history
    note.refresh_from_db()
    assert note.is_withdrawn


def test_notes_are_on_the_timeline(client, portfolios, rep_remi):
    customer = portfolios["remi1"]
    note = write_note(customer=customer, author=rep_remi, body="Met the CFO at the fair.")
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline-panel"') :]
    assert "Met the CFO at the fair." in timeline
    assert f'href="#note-{note.pk}"' in timeline


def test_notes_mentioning_me_lists_mine_and_links_to_each(
    client, portfolios, rep_remi, finance_fanny
):
    customer = portfolios["remi1"]
    note = write_note(customer=customer, author=finance_fanny, body="@remi call them today")
    write_note(customer=customer, author=finance_fanny, body="nothing for Rémi here")
    client.force_login(rep_remi)
    page = client.get("/notes/mentioning-me/").content.decode()
    assert "call them today" in page
    assert "nothing for Rémi here" not in page
    assert f'href="/customers/{customer.pk}/#note-{note.pk}"' in page

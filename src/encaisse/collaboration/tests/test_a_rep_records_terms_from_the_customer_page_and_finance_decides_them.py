"""The pages of special terms, as each user would use them: the rep records them from the
customer page (with the signed order), finance confirms them from its queue, the document
is for the customer's portfolio only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.collaboration.models import Notification, SpecialTerms, TermsStatus
from encaisse.collaboration.terms import propose_terms
from encaisse.ledger.tests.factories import InvoiceFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def customer(portfolios):
    return portfolios["remi1"]


@pytest.fixture
def invoice(customer):
    return InvoiceFactory(
        customer=customer,
        number="F-SALE-1",
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 3),
        amount=Decimal("900.00"),
    )


@pytest.fixture
def proposed(customer, invoice, rep_remi):
    from encaisse.collaboration.terms import TermsDocument

    return propose_terms(
        customer=customer,
        proposed_by=rep_remi,
        today=dt.date(2026, 2, 2),
        kind="extended_due_date",
        invoice=invoice,
        new_due_date=dt.date(2026, 4, 30),
        document=TermsDocument(content=PDF, name="bon-de-commande.pdf"),
    )


def test_a_rep_records_a_longer_due_date_with_the_signed_order(
    client, customer, invoice, rep_remi, finance_fanny
):
    client.force_login(rep_remi)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="terms-panel"' in page
    assert f"/customers/{customer.pk}/terms/new/" in page
    form = client.get(f"/customers/{customer.pk}/terms/new/?invoice={invoice.pk}")
    assert form.status_code == 200
    assert f'value="{invoice.pk}" selected' in form.content.decode()
    response = client.post(
        f"/customers/{customer.pk}/terms/new/",
        {
            "invoice": invoice.pk,
            "kind": "extended_due_date",
            "new_due_date": "2026-04-30",
            "note": "Agreed with the buyer at the trade fair",
            "document": SimpleUploadedFile("commande.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/#special-terms"
    terms = SpecialTerms.objects.get()
    assert (terms.invoice, terms.new_due_date, terms.status) == (
        invoice,
        dt.date(2026, 4, 30),
        TermsStatus.PROPOSED,
    )
    assert Notification.objects.filter(recipient=finance_fanny).count() == 1
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Agreed with the buyer at the trade fair" in page
    assert "commande.pdf" in page
    assert 'data-testid="terms-decision"' not in page  # a rep does not decide


def test_an_instalment_plan_that_does_not_add_up_is_refused_on_the_page(
    client, customer, invoice, rep_remi
):
    client.force_login(rep_remi)
    response = client.post(
        f"/customers/{customer.pk}/terms/new/",
        {
            "invoice": invoice.pk,
            "kind": "instalments",
            "instalment_1_date": "2026-03-03",
            "instalment_1_amount": "400",
            "instalment_2_date": "2026-04-03",
            "instalment_2_amount": "400",
        },
    )
    assert response.status_code == 400
    assert "they add up to 800.00, the open amount is 900.00" in response.content.decode()
    assert not SpecialTerms.objects.exists()


def test_a_hostile_document_is_refused_on_the_page(client, customer, invoice, rep_remi):
    client.force_login(rep_remi)
    response = client.post(
        f"/customers/{customer.pk}/terms/new/",
        {
            "invoice": invoice.pk,
            "kind": "extended_due_date",
            "extra_days": "30",
            "document": SimpleUploadedFile("facture.pdf", b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 400
    assert "only a PDF, PNG or JPEG file is accepted" in response.content.decode()
    assert not SpecialTerms.objects.exists()


def test_finance_confirms_from_its_queue_and_the_rep_is_told(
    client, proposed, rep_remi, finance_fanny
):
    client.force_login(finance_fanny)
    queue = client.get("/terms/").content.decode()
    assert "F-SALE-1" in queue
    assert 'data-testid="terms-decision"' in queue
    response = client.post(
        f"/terms/{proposed.pk}/decide/", {"decision": "confirm", "next": "/terms/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/terms/"
    proposed.refresh_from_db()
    assert proposed.status == TermsStatus.CONFIRMED
    assert Notification.objects.get(recipient=rep_remi).url.endswith("#special-terms")
    assert "Nothing to confirm." in client.get("/terms/").content.decode()


def test_a_refusal_without_a_reason_changes_nothing(client, proposed, finance_fanny):
    client.force_login(finance_fanny)
    page = client.post(f"/terms/{proposed.pk}/decide/", {"decision": "refuse"}, follow=True)
    assert "say why the terms are refused" in page.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == TermsStatus.PROPOSED


def test_only_finance_decides_and_opens_the_queue(client, proposed, rep_remi, manager_maud):
    for user in (rep_remi, manager_maud):
        client.force_login(user)
        assert client.get("/terms/").status_code == 404
        assert (
            client.post(f"/terms/{proposed.pk}/decide/", {"decision": "confirm"}).status_code == 404
        )
    proposed.refresh_from_db()
    assert proposed.status == TermsStatus.PROPOSED


def test_the_document_is_served_to_the_portfolio_only(
    client, proposed, rep_remi, rep_sarah, rep_paul, manager_maud, finance_fanny
):
    for user in (rep_remi, manager_maud, finance_fanny):
        client.force_login(user)
        response = client.get(f"/terms/{proposed.pk}/document/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    for outsider in (rep_sarah, rep_paul):
        client.force_login(outsider)
        assert client.get(f"/terms/{proposed.pk}/document/").status_code == 404


def test_a_viewer_reads_the_terms_but_records_none(client, customer, proposed, viewer_victor):
    client.force_login(viewer_victor)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="terms-panel"' in page
    assert 'data-testid="record-terms"' not in page
    assert client.get(f"/customers/{customer.pk}/terms/new/").status_code == 404

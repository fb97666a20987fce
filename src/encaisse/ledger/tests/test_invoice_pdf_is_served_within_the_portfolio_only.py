"""The invoice's kept PDF is linked from the customer page and served to whoever sees the
customer; a rep gets a 404 for an invoice outside their portfolio."""

from __future__ import annotations

import pytest

from encaisse.ledger.services import record_invoice_document

PDF = b"%PDF-1.7\n% an invoice\n%%EOF\n"


@pytest.fixture
def pauls_pdf(portfolios, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    invoice = portfolios["paul1"].invoices.get()
    record_invoice_document(invoice=invoice, content=PDF, file_name="F-paul-1.pdf")
    return invoice


def test_the_customer_page_links_the_pdf_and_the_rep_reads_it(client, rep_paul, pauls_pdf):
    client.force_login(rep_paul)
    page = client.get(f"/customers/{pauls_pdf.customer_id}/").content.decode()
    assert f'href="/customers/invoices/{pauls_pdf.pk}/pdf/"' in page
    response = client.get(f"/customers/invoices/{pauls_pdf.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="F-paul-1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_finance_reads_every_pdf(client, finance_fanny, pauls_pdf):
    client.force_login(finance_fanny)
    assert client.get(f"/customers/invoices/{pauls_pdf.pk}/pdf/").status_code == 200


@pytest.mark.parametrize("viewer", ["rep_remi", "manager_maud", "agency_manager_anna"])
def test_outside_the_portfolio_the_pdf_is_a_404(client, request, viewer, pauls_pdf):
    client.force_login(request.getfixturevalue(viewer))
    assert client.get(f"/customers/invoices/{pauls_pdf.pk}/pdf/").status_code == 404


def test_an_invoice_without_pdf_has_no_link_and_a_404(client, rep_remi, portfolios, pauls_pdf):
    client.force_login(rep_remi)
    invoice = portfolios["remi1"].invoices.get()
    page = client.get(f"/customers/{invoice.customer_id}/").content.decode()
    assert "/pdf/" not in page
    assert client.get(f"/customers/invoices/{invoice.pk}/pdf/").status_code == 404


def test_the_same_pdf_is_kept_once(pauls_pdf):
    document, new = record_invoice_document(invoice=pauls_pdf, content=PDF, file_name="x.pdf")
    assert (new, pauls_pdf.documents.count(), document.original_name) == (
        False, 1, "F-paul-1.pdf",
    )  # fmt: skip

"""Finance uploads a FEC or a Factur-X PDF from the import page, as a CSV; the run is
listed with the others; a sales rep never finds the page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.imports.services import run_import
from encaisse.imports.tests.facturx_samples import facturx_pdf
from encaisse.imports.tests.fec_samples import sage_fec_bytes
from encaisse.ledger.models import Invoice, InvoiceDocument


def test_the_upload_page_offers_fec_and_facturx(client, finance_fanny):
    client.force_login(finance_fanny)
    page = client.get("/imports/new/").content.decode()
    assert '<option value="fec"' in page
    assert '<option value="facturx"' in page
    assert 'name="payment_terms_days"' in page


def test_finance_uploads_a_fec_and_reads_the_report(
    client, finance_fanny, entity, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    client.force_login(finance_fanny)
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/imports/new/",
            {
                "kind": "fec",
                "file": SimpleUploadedFile("FEC2026.txt", sage_fec_bytes()),
                "payment_terms_days": "45",
            },
        )
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/"
    assert (run.kind, run.status, run.options["payment_terms_days"]) == ("fec", "queued", 45)
    run_import(import_run_id=run.pk)  # what the background job does
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED, run.message
    assert ImportRun.objects.count() == 1  # the queued run itself, filled in
    assert run.rows_created == 9
    report = client.get(f"/imports/{run.pk}/").content.decode()
    assert "a FEC has no due dates" in report
    assert "FEC2026.txt" in client.get("/imports/").content.decode()


def test_finance_uploads_a_facturx_pdf(
    client, finance_fanny, entity, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(finance_fanny)
    with django_capture_on_commit_callbacks():
        client.post(
            "/imports/new/",
            {"kind": "facturx", "file": SimpleUploadedFile("FA-2026-0042.pdf", facturx_pdf())},
        )
    run = ImportRun.objects.get()
    run_import(import_run_id=run.pk)
    run.refresh_from_db()
    assert (run.kind, run.status, run.created_by) == ("facturx", "succeeded", finance_fanny)
    assert Invoice.objects.get().number == "FA-2026-0042"
    assert InvoiceDocument.objects.get().original_name == "FA-2026-0042.pdf"


def test_a_mapping_is_refused_for_a_fec(client, finance_fanny, entity):
    client.force_login(finance_fanny)
    response = client.post(
        "/imports/new/",
        {
            "kind": "fec",
            "file": SimpleUploadedFile("fec.txt", sage_fec_bytes()),
            "mapping": SimpleUploadedFile("m.toml", b'delimiter = ";"\n'),
        },
    )
    assert response.status_code == 200
    assert "A column mapping is only for CSV and Excel files." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_sales_rep_cannot_upload(client, rep_remi):
    client.force_login(rep_remi)
    assert client.get("/imports/new/").status_code == 404
